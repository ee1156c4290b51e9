// The benchmark's generation peer: llama.cpp through node-llama-cpp's prebuilt CPU binaries, timed the way
// NativeGenRun times SAM (batch 1, KV cache, greedy, the prompt given as token ids). Usage:
//   SAM_NODE_MODULES=/path/to/node_modules node llama-gen.mjs request.json > answer.json
// request: {"gguf": path, "prompt": [ids], "new": n, "threads": t}
// answer:  {"prefill_s", "decode_s" (new - 1 forwards after the first new token), "new_tokens", "versions", ...}
import {readFileSync} from "node:fs";
import {join} from "node:path";
import {pathToFileURL} from "node:url";

const modules = process.env.SAM_NODE_MODULES;
const load = (p) => import(pathToFileURL(join(modules, p)).href);
const {getLlama} = await load("node-llama-cpp/dist/index.js");
const pkg = JSON.parse(readFileSync(join(modules, "node-llama-cpp/package.json"), "utf8"));

const req = JSON.parse(readFileSync(process.argv[2], "utf8"));
const now = () => Number(process.hrtime.bigint()) / 1e9;
const llama = await getLlama({gpu: false, build: "never", logLevel: "error", maxThreads: req.threads});
const t0 = now();
const model = await llama.loadModel({modelPath: req.gguf, gpuLayers: 0, useMmap: true});
const loadS = now() - t0;
const context = await model.createContext({contextSize: req.prompt.length + req.new + 16, batchSize: 512,
    threads: req.threads});
const seq = context.getSequence();
// warm-up: maps the weights in and runs both kernels (batch and single token) once
await seq.evaluateWithoutGeneratingNewTokens(req.prompt.slice(0, 8));
let n = 0;
for await (const tok of seq.evaluate([req.prompt[8]], {temperature: 0})) {
    if (++n >= 4) break;
}
await seq.clearHistory();
// prefill: the whole prompt in one batch
let t = now();
await seq.evaluateWithoutGeneratingNewTokens(req.prompt);
const prefillS = now() - t;
await seq.clearHistory();
// decode: the prompt but its last token, then generation from that token; the first new token ends what
// SAM calls the prefill (the last prompt position's logits), the clock runs from it to the last new token
await seq.evaluateWithoutGeneratingNewTokens(req.prompt.slice(0, -1));
const tokens = [];
let first = 0;
for await (const tok of seq.evaluate([req.prompt[req.prompt.length - 1]], {temperature: 0})) {
    tokens.push(tok);
    if (tokens.length === 1) first = now();
    if (tokens.length >= req.new) break;
}
const decodeS = now() - first;
process.stdout.write(JSON.stringify({
    prefill_s: prefillS, decode_s: decodeS, new_tokens: tokens.length, load_s: loadS, threads: context.currentThreads,
    first_tokens: tokens.slice(0, 8),
    versions: {"node-llama-cpp": pkg.version, "llama.cpp": llama.llamaCppRelease, build: llama.buildType,
        node: process.version},
    system_info: llama.systemInfo,
}));
await context.dispose();
await model.dispose();
await llama.dispose();
