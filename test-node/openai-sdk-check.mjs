// Drives a running `sam serve` with the official OpenAI Node SDK (pinned in package.json) and prints
// what it got as one JSON object; any shape the SDK cannot read, or a failed check, exits non-zero.
// Usage: node openai-sdk-check.mjs http://127.0.0.1:PORT
import OpenAI from 'openai';
import assert from 'node:assert/strict';

const base = process.argv[2];
const client = new OpenAI({ baseURL: base + '/v1', apiKey: 'sam-needs-no-key', maxRetries: 0, timeout: 30000 });
const out = {};

const models = await client.models.list();
out.models = models.data.map((m) => m.id);
for (const m of models.data) {
  assert.equal(m.object, 'model');
  assert.equal(typeof m.created, 'number');
}

const chat = await client.chat.completions.create({
  model: 'sam',
  messages: [{ role: 'user', content: 'hello there' }],
  max_tokens: 32,
});
assert.equal(chat.object, 'chat.completion');
assert.equal(chat.choices[0].message.role, 'assistant');
assert.equal(chat.usage.total_tokens, chat.usage.prompt_tokens + chat.usage.completion_tokens);
out.chat = { text: chat.choices[0].message.content, finish: chat.choices[0].finish_reason, usage: chat.usage };

const stream = await client.chat.completions.create({
  model: 'active',
  messages: [{ role: 'user', content: 'stream this please' }],
  stream: true,
  stream_options: { include_usage: true },
});
let streamed = '';
let finish = null;
let usage = null;
let chunks = 0;
for await (const chunk of stream) {
  chunks++;
  assert.equal(chunk.object, 'chat.completion.chunk');
  if (chunk.usage) usage = chunk.usage;
  for (const c of chunk.choices) {
    streamed += c.delta?.content ?? '';
    if (c.finish_reason) finish = c.finish_reason;
  }
}
out.chatStream = { text: streamed, finish, usage, chunks };

const completion = await client.completions.create({
  model: 'sam',
  prompt: 'def add(a, b):\n    ',
  suffix: '\n\nprint(add(1, 2))',
  max_tokens: 48,
  temperature: 0,
});
assert.equal(completion.object, 'text_completion');
out.completion = { text: completion.choices[0].text, finish: completion.choices[0].finish_reason, usage: completion.usage };

const cstream = await client.completions.create({
  model: 'sam', prompt: 'x = ', suffix: '\ny = x', max_tokens: 48, stream: true,
});
let ctext = '';
for await (const chunk of cstream) {
  ctext += chunk.choices[0]?.text ?? '';
}
out.completionStream = { text: ctext };

async function failure(call) {
  try {
    await call();
  } catch (e) {
    assert.ok(e instanceof OpenAI.APIError, 'an APIError, got ' + e);
    return { status: e.status, type: e.type, code: e.code, param: e.param, message: e.message, cls: e.constructor.name };
  }
  throw new Error('the request should have failed');
}
out.unknownModel = await failure(() => client.chat.completions.create({
  model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }));
out.tools = await failure(() => client.chat.completions.create({
  model: 'sam', messages: [{ role: 'user', content: 'hi' }],
  tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }] }));
out.jsonMode = await failure(() => client.chat.completions.create({
  model: 'sam', messages: [{ role: 'user', content: 'hi' }], response_format: { type: 'json_object' } }));

console.log(JSON.stringify(out));
