// Runs one API-format prompt on a ComfyUI-compatible server through one of the npm client SDKs that
// ComfyUI users use, and writes the first image of node "9" that the SDK hands back to a file.
// Usage: node run-client-sdk.mjs <sdk> <host:port> <prompt.json> <out.png>
// Prints one JSON line: {"sdk", "progressEvents", "bytes"}. Exits non-zero with the error otherwise.
import { createRequire } from "node:module";
import { readFileSync, writeFileSync } from "node:fs";
import { randomUUID } from "node:crypto";

const [sdk, host, promptFile, outFile] = process.argv.slice(2);
// NODE_PATH (the installed packages, set by the tests) is not searched by ESM imports: resolve from it
const require = createRequire(process.env.NODE_PATH ? process.env.NODE_PATH + "/" : import.meta.url);
const prompt = JSON.parse(readFileSync(promptFile, "utf8"));
const timeout = setTimeout(() => fail(new Error("timed out")), 600_000);
let progressEvents = 0;

function fail(error) {
  console.error(String(error && error.stack ? error.stack : error));
  process.exit(1);
}

async function viaComfyUiClient() {
  const { ComfyUIClient } = require("comfy-ui-client");
  const client = new ComfyUIClient(host, randomUUID());
  await client.connect();
  try {
    const images = await client.getImages(prompt);
    const first = images["9"][0];
    return Buffer.from(await first.blob.arrayBuffer());
  } finally {
    await client.disconnect();
  }
}

async function viaStableCanvas() {
  const { Client } = require("@stable-canvas/comfyui-client");
  const client = new Client({ api_host: host, WebSocket: require("ws"), fetch: globalThis.fetch });
  client.connect();
  try {
    const out = await client.enqueue(prompt, { progress: () => progressEvents++ });
    const image = out.images[0];
    if (image.type === "buff") return Buffer.from(image.data);
    return Buffer.from(await (await fetch(image.data)).arrayBuffer());
  } finally {
    client.close();
  }
}

async function viaSaintnoSdk() {
  const { ComfyApi, CallWrapper, PromptBuilder } = require("@saintno/comfyui-sdk");
  const api = new ComfyApi("http://" + host).init();
  await api.waitForReady();
  const builder = new PromptBuilder(prompt, [], ["images"]).setOutputNode("images", "9");
  try {
    const result = await new Promise((resolve, reject) => {
      new CallWrapper(api, builder)
        .onProgress(() => progressEvents++)
        .onFinished((data) => resolve(data))
        .onFailed((err) => reject(err))
        .run();
    });
    const url = api.getPathImage(result.images.images[0]);
    return Buffer.from(await (await fetch(url)).arrayBuffer());
  } finally {
    api.destroy();
  }
}

const runners = { "comfy-ui-client": viaComfyUiClient, "@stable-canvas/comfyui-client": viaStableCanvas, "@saintno/comfyui-sdk": viaSaintnoSdk };
if (!runners[sdk]) fail(new Error("unknown sdk " + sdk));
runners[sdk]()
  .then((bytes) => {
    writeFileSync(outFile, bytes);
    clearTimeout(timeout);
    console.log(JSON.stringify({ sdk, progressEvents, bytes: bytes.length }));
    process.exit(0);
  })
  .catch(fail);
