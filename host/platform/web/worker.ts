/**
 * A rank's module Web Worker: the shared rank body when the page is cross-origin isolated, the
 * copying one when it is not (the launcher's first message says which).
 */
import type { FromRank, ToRank } from "../../protocol.js";
import { rankMain } from "../../rank-main.js";
import { copyingRankMain, type WorkerScope } from "./copying/rank-main.js";
import { browserWasi } from "./wasi.js";

const global = globalThis as unknown as {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: "message", listener: (event: MessageEvent<ToRank>) => void): void;
  removeEventListener(type: "message", listener: (event: MessageEvent<ToRank>) => void): void;
  close(): void;
};

const scope: WorkerScope = {
  post: (message: FromRank, transfer?: Transferable[]) => global.postMessage(message, transfer),
  onMessage: (handler) => global.addEventListener("message", (event) => handler(event.data)),
  close: () => global.close(),
};

const first = (event: MessageEvent<ToRank>): void => {
  global.removeEventListener("message", first);
  const message = event.data;
  if (message.type === "init-copying") {
    copyingRankMain(scope, message, browserWasi);
    return;
  }
  rankMain({
    ...scope,
    // The first message has been taken off the queue: hand it over before the rest.
    onMessage: (handler) => {
      handler(message);
      scope.onMessage(handler);
    },
    wasi: browserWasi,
  });
};
global.addEventListener("message", first);
