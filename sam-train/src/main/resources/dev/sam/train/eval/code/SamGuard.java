import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;

/**
 * SAM's harness for one Java code task: refuses every socket (java.net through the socket factories,
 * NIO through a SelectorProvider that opens nothing), runs Tests.main and prints the pass marker.
 * Memory is bounded by -Xmx, time by the caller. It guards against accidents of generated code, not
 * against code written to escape.
 */
public final class SamGuard {
    public static void main(String[] args) throws Throwable {
        Socket.setSocketImplFactory(() -> {
            throw new SecurityException("blocked by SAM's code-task sandbox: socket");
        });
        ServerSocket.setSocketFactory(() -> {
            throw new SecurityException("blocked by SAM's code-task sandbox: server socket");
        });
        DatagramSocket.setDatagramSocketImplFactory(() -> {
            throw new SecurityException("blocked by SAM's code-task sandbox: datagram socket");
        });
        Tests.main(new String[0]);
        System.out.println("SAM-TESTS-PASSED " + args[0]);
        System.exit(0);
    }

    /** Installed with -Djava.nio.channels.spi.SelectorProvider=SamGuard$NoNet. */
    public static final class NoNet extends SelectorProvider {
        private static SecurityException no(String what) {
            return new SecurityException("blocked by SAM's code-task sandbox: " + what);
        }

        @Override
        public DatagramChannel openDatagramChannel() {
            throw no("datagram channel");
        }

        @Override
        public DatagramChannel openDatagramChannel(java.net.ProtocolFamily family) {
            throw no("datagram channel");
        }

        @Override
        public Pipe openPipe() {
            throw no("pipe");
        }

        @Override
        public AbstractSelector openSelector() {
            throw no("selector");
        }

        @Override
        public ServerSocketChannel openServerSocketChannel() {
            throw no("server socket channel");
        }

        @Override
        public SocketChannel openSocketChannel() {
            throw no("socket channel");
        }
    }
}
