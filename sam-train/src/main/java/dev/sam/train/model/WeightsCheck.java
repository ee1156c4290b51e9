package dev.sam.train.model;

import dev.sam.train.safetensors.Dtype;
import dev.sam.train.safetensors.TensorInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a model's tensors against its config from the headers alone: every tensor present with the
 * shape the config implies and a usable dtype. A module counts as quantized exactly when
 * {@code <module>.scales} exists (mlx-lm's rule); then its packed weight must be U32
 * {@code [out, in*bits/32]} and scales and biases float {@code [out, in/group_size]}.
 */
final class WeightsCheck {
    private WeightsCheck() {
    }

    /** Problems (the model cannot be used); unexpected tensors go to {@code warnings}. */
    static List<String> check(ModelConfig c, Map<String, TensorInfo> tensors, List<String> warnings) {
        List<String> problems = new ArrayList<>();
        Set<String> expected = new HashSet<>();
        for (ParamTensor p : c.tensors()) {
            String m = p.module();
            TensorInfo scales = p.kind().quantizable() ? tensors.get(m + ".scales") : null;
            if (scales != null) {
                expected.addAll(List.of(m + ".weight", m + ".scales", m + ".biases"));
                checkQuantized(c, p, tensors, problems);
            } else {
                expected.add(p.name());
                TensorInfo t = tensors.get(p.name());
                if (t == null) {
                    problems.add("missing tensor " + p.name() + " " + Arrays.toString(p.shape()));
                } else if (!t.dtype().isFloat()) {
                    problems.add(p.name() + " is " + t.dtype() + ", expected a float tensor");
                } else if (!Arrays.equals(t.shape(), p.shape())) {
                    problems.add(p.name() + " has shape " + t.shapeString() + ", config.json implies "
                            + Arrays.toString(p.shape()));
                }
            }
        }
        List<String> extra = tensors.keySet().stream().filter(n -> !expected.contains(n)).sorted().toList();
        if (!extra.isEmpty()) {
            warnings.add(extra.size() + " tensor(s) not used by a Qwen2 model: " + String.join(", ",
                    extra.subList(0, Math.min(8, extra.size()))) + (extra.size() > 8 ? ", ..." : ""));
        }
        return problems;
    }

    private static void checkQuantized(ModelConfig c, ParamTensor p, Map<String, TensorInfo> tensors,
                                       List<String> problems) {
        String m = p.module();
        if (c.quantization() == null) {
            problems.add(m + " is quantized (" + m + ".scales exists) but config.json has no \"quantization\"");
            return;
        }
        Optional<Quantization> q = c.quantization().forModule(m);
        if (q.isEmpty()) {
            problems.add(m + " is quantized but config.json's quantization excludes it");
            return;
        }
        int bits = q.get().bits();
        int g = q.get().groupSize();
        long rows = p.rows();
        long cols = p.cols();
        if (cols % g != 0) {
            problems.add(m + ": input size " + cols + " is not a multiple of group_size " + g);
            return;
        }
        TensorInfo w = tensors.get(m + ".weight");
        if (w == null) {
            problems.add("missing tensor " + m + ".weight (U32 [" + rows + ", " + cols * bits / 32 + "])");
        } else if (w.dtype() != Dtype.U32 || !w.hasShape(rows, cols * bits / 32)) {
            problems.add(m + ".weight is " + w.dtype() + " " + w.shapeString() + ", expected U32 [" + rows + ", "
                    + cols * bits / 32 + "] for " + bits + "-bit quantization");
        }
        for (String part : List.of("scales", "biases")) {
            TensorInfo t = tensors.get(m + "." + part);
            if (t == null) {
                problems.add("missing tensor " + m + "." + part + " [" + rows + ", " + cols / g + "]");
            } else if (!t.dtype().isFloat() || !t.hasShape(rows, cols / g)) {
                problems.add(m + "." + part + " is " + t.dtype() + " " + t.shapeString() + ", expected float ["
                        + rows + ", " + cols / g + "] for group_size " + g);
            }
        }
    }
}
