// Runs a GGUF file through a real llama.cpp (node-llama-cpp's prebuilt binaries) and an independent GGUF
// parser (@huggingface/gguf), for SAM's GGUF export test. Usage:
//   SAM_NODE_MODULES=/path/to/node_modules node llama-check.mjs request.json > answer.json
// request: {"gguf": path, "prompt": [token ids], "steps": n, "texts": [strings to tokenize]}
// answer:  {"metadata": {key: value}, "tensors": [{name, shape, dtype}], "tokenized": [[ids]],
//           "greedy": [ids], "logits": [[vocab floats] per step], "promptLogits": [[vocab floats] per prompt position]}
import {readFileSync} from "node:fs";
import {join} from "node:path";
import {pathToFileURL} from "node:url";

const modules = process.env.SAM_NODE_MODULES;
const load = (p) => import(pathToFileURL(join(modules, p)).href);
const {getLlama} = await load("node-llama-cpp/dist/index.js");
const {gguf} = await load("@huggingface/gguf/dist/index.mjs");

const req = JSON.parse(readFileSync(process.argv[2], "utf8"));
const parsed = await gguf(req.gguf, {allowLocalFile: true});
const metadata = {};
for (const [k, v] of Object.entries(parsed.metadata)) {
    metadata[k] = typeof v === "bigint" ? Number(v) : v;
}
const tensors = parsed.tensorInfos.map((t) => ({name: t.name, shape: t.shape.map(Number), dtype: t.dtype}));

const llama = await getLlama({gpu: false, build: "never", logLevel: "error"});
const model = await llama.loadModel({modelPath: req.gguf, gpuLayers: 0});
const tokenized = req.texts.map((t) => Array.from(model.tokenize(t, true)));
const context = await model.createContext({contextSize: 256, batchSize: 256, threads: 1});
const seq = context.getSequence();
const dense = (map) => {
    const row = [];
    for (const [tok, l] of map) {
        row[tok] = l;
    }
    return Array.from(row, (v) => v ?? null);
};
const argmax = (row) => row.reduce((best, v, i) => (v > row[best] ? i : best), 0);
// the prompt: logits at every position (teacher forcing), then greedy steps, each asking for the next logits
const out = await seq.controlledEvaluate(req.prompt.map((t) => [t, {generateNext: {logits: true}}]));
const promptLogits = out.map((o) => dense(o.next.logits));
const greedy = [];
const logits = [];
let row = promptLogits[promptLogits.length - 1];
for (let step = 0; step < req.steps; step++) {
    logits.push(row);
    greedy.push(argmax(row));
    if (step + 1 < req.steps) {
        const next = await seq.controlledEvaluate([[greedy[step], {generateNext: {logits: true}}]]);
        row = dense(next[0].next.logits);
    }
}
process.stdout.write(JSON.stringify({metadata, tensors, tokenized, greedy, logits, promptLogits}));
await context.dispose();
await model.dispose();
await llama.dispose();
