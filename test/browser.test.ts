/**
 * The browser entry in headless Chromium: every example on 1, 2 and 4 ranks prints what it
 * prints under Node, on a cross-origin isolated page (shared memory) and on one that is not
 * (the copying fallback); failures are reported on the demo page and leave no worker behind;
 * the demo draws the timeline of a job from its trace where ranks share memory.
 * Skipped, with one line, where no chromium is installed.
 */
import { mkdirSync, readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type DemoServer, examplePaths, startDemoServer } from "../examples/web/serve.js";
import { formatDuration } from "../examples/web/time-scale.js";
import { type ChromeTrace, COPYING_WARNING } from "../host/platform/web/index.js";
import {
  type Browser,
  CHROMIUM,
  chromiumFound,
  deadline,
  launchChromium,
  noWorkersLeft,
  type PageJob,
  runOnPage,
} from "./browser-chromium.js";
import { describeJob, type Job, job, kernelPath, root } from "./helpers.js";

/** Where the screenshot of the demo goes (gitignored). */
const ARTIFACTS = `${root}test/artifacts`;

/** The heat solver on a 16 x 16 plate: a few hundred steps instead of five thousand. */
const ARGS: Readonly<Record<string, string[]>> = { heat2d: ["16"] };
const RANKS = [1, 2, 4];

type Mode = "shared memory" | "copying";

interface Setup {
  browser: Browser;
  servers: Record<Mode, DemoServer>;
  pages: Record<Mode, Page>;
}

let setup: Setup | null = null;

const extraKernels = {
  failures: kernelPath("failures"),
  deadlock: kernelPath("deadlock"),
  p2p: kernelPath("p2p"),
  nonblocking: kernelPath("nonblocking"),
  collectives: kernelPath("collectives"),
  comms: kernelPath("comms"),
};

async function start(): Promise<Setup> {
  const shared = await startDemoServer({ kernels: extraKernels });
  const copying = await startDemoServer({ kernels: extraKernels, isolated: false });
  const browser = await launchChromium();
  const open = async (server: DemoServer): Promise<Page> => {
    const page = await browser.context.newPage();
    await page.goto(server.url);
    await page.waitForSelector("body[data-ready]", { timeout: 20_000 });
    return page;
  };
  return {
    browser,
    servers: { "shared memory": shared, copying },
    pages: { "shared memory": await open(shared), copying: await open(copying) },
  };
}

const reference = new Map<string, Promise<Job>>();

/** The job under Node, once per kernel, ranks, arguments and deadline. */
function underNode(
  path: string,
  np: number,
  args: readonly string[],
  timeoutMs?: number,
): Promise<Job> {
  const key = JSON.stringify([path, np, args, timeoutMs]);
  let j = reference.get(key);
  if (j === undefined) {
    j = job(path, np, [...args], timeoutMs === undefined ? {} : { timeoutMs });
    reference.set(key, j);
  }
  return j;
}

function sameJob(page: PageJob, node: Job, what: string): void {
  const details = `${what}\npage: ${describeJob(page)}\nnode: ${describeJob(node)}`;
  assert.is(page.exitCode, node.exitCode, details);
  assert.equal(page.stdout, node.stdout, `stdout of each rank, ${details}`);
  assert.equal(page.stderr, node.stderr, `stderr of each rank, ${details}`);
  assert.equal([...page.failures].sort(), [...node.failures].sort(), details);
}

if (!chromiumFound()) {
  console.log(`browser tests skipped: no chromium at ${CHROMIUM} (set WASMPI_CHROMIUM to another)`);
  test.skip("the browser entry in Chromium", () => {});
} else {
  test.before(async () => {
    setup = await deadline(start(), 120_000, "starting the demo servers and chromium");
  });

  test.after(async () => {
    if (setup === null) return;
    await setup.browser.close();
    await setup.servers["shared memory"].close();
    await setup.servers.copying.close();
  });

  test("the isolated page shares memory; the other copies", async () => {
    const s = setup as Setup;
    const isolated = (page: Page) => page.evaluate(() => globalThis.crossOriginIsolated);
    assert.is(await isolated(s.pages["shared memory"]), true);
    assert.is(await isolated(s.pages.copying), false);
    const banner = (page: Page) => page.getAttribute("#transport", "data-transport");
    assert.is(await banner(s.pages["shared memory"]), "shared-memory");
    assert.is(await banner(s.pages.copying), "copying");
  });

  for (const [name, path] of Object.entries(examplePaths())) {
    for (const mode of ["shared memory", "copying"] as const) {
      test(`examples/${name}.ts on ${RANKS.join(", ")} ranks (${mode}) prints what it prints under Node`, async () => {
        const page = (setup as Setup).pages[mode];
        const args = ARGS[name] ?? [];
        for (const np of RANKS) {
          const [inPage, node] = [
            await runOnPage(page, name, np, args),
            await underNode(path, np, args),
          ];
          sameJob(inPage, node, `${name} on ${np} ranks (${mode})`);
          const copyingSaid = inPage.warnings.filter((w) => w === COPYING_WARNING).length;
          assert.is(
            copyingSaid,
            mode === "copying" ? 1 : 0,
            `the copying warning, ${inPage.warnings}`,
          );
        }
      });
    }
  }

  /** Scenarios of the engine's test kernels that check themselves (each rank prints `ok`). */
  const scenarios: [kernel: keyof typeof extraKernels, args: string[], np: number][] = [
    ["p2p", ["probe"], 3],
    ["p2p", ["anysource"], 3],
    ["p2p", ["specials"], 2],
    ["nonblocking", ["many", "waitany"], 3],
    ["nonblocking", ["testall"], 3],
    ["nonblocking", ["fairness"], 2],
    ["collectives", ["scan"], 3],
    ["collectives", ["vector"], 3],
    ["collectives", ["loc"], 3],
    ["collectives", ["objects"], 4],
    ["comms", ["grid"], 4],
    ["comms", ["reuse"], 4],
  ];
  test("the copying fallback passes the engine's point-to-point, nonblocking, collective and communicator checks", async () => {
    const page = (setup as Setup).pages.copying;
    for (const [kernel, args, np] of scenarios) {
      const j = await runOnPage(page, kernel, np, args);
      const what = `${kernel} ${args.join(" ")} on ${np} ranks: ${describeJob(j)}`;
      assert.is(j.exitCode, 0, what);
      assert.equal(
        j.stdout.flat(),
        Array.from({ length: np }, () => `ok ${args[0]}`),
        what,
      );
    }
  });

  /** Failures the fallback reports as the engine does: [kernel, args, np]. */
  const failures: [kernel: keyof typeof extraKernels, args: string[], np: number][] = [
    ["failures", ["peer-returned"], 3],
    ["failures", ["truncate"], 2],
    ["failures", ["Abort"], 3],
    ["failures", ["exit"], 2],
    ["collectives", ["error-counts"], 3],
    ["nonblocking", ["fail-no-sender-waitany"], 2],
    ["comms", ["error-too-many"], 2],
  ];
  test("the copying fallback fails as the engine does, with the same report", async () => {
    const page = (setup as Setup).pages.copying;
    for (const [kernel, args, np] of failures) {
      const [inPage, node] = [
        await runOnPage(page, kernel, np, args),
        await underNode(extraKernels[kernel], np, args),
      ];
      const details = `${kernel} ${args.join(" ")} on ${np} ranks\npage: ${describeJob(inPage)}\nnode: ${describeJob(node)}`;
      assert.ok(inPage.exitCode !== 0, details);
      assert.is(inPage.exitCode, node.exitCode, details);
      assert.equal(inPage.stdout, node.stdout, details);
      // Ranks that see the same peer end may each report it, or one may report it and the
      // others unwind (in either transport, as the race goes): the same reasons.
      const reasons = (lines: string[]) => [
        ...new Set(lines.map((l) => l.replace(/^rank \d+: /, ""))),
      ];
      assert.equal(reasons(inPage.failures).sort(), reasons(node.failures).sort(), details);
    }
  });

  /** Deadlocks of point-to-point calls (the fallback's sends never wait, and its collectives
   * wait for other ranks than the engine's, so those are left out). */
  const deadlocks: [args: string[], np: number][] = [
    [["recv-cycle"], 2],
    [["wait-irecv"], 3],
    [["waitany"], 2],
    [["probe"], 2],
    [["some-ended"], 4],
  ];
  test("the copying fallback finds deadlocks and reports them as the engine does", async () => {
    const page = (setup as Setup).pages.copying;
    for (const [args, np] of deadlocks) {
      const [inPage, node] = [
        await runOnPage(page, "deadlock", np, args, 10_000),
        await underNode(extraKernels.deadlock, np, args, 10_000),
      ];
      const details = `${args[0]} on ${np} ranks\npage: ${describeJob(inPage)}\nnode: ${describeJob(node)}`;
      assert.ok(inPage.deadlocked && !inPage.timedOut, details);
      assert.is(inPage.exitCode, node.exitCode, details);
      assert.equal(inPage.failures, node.failures, details);
      assert.is(await noWorkersLeft(page), 0, "workers left running after the deadlock");
    }
  });

  test("the copying fallback: a rank that computes is no deadlock; a deadline says where each rank is", async () => {
    const page = (setup as Setup).pages.copying;
    // Stopped by its deadline while rank 0 computes (2 s from its start) and the others wait
    // for it: five times the deadlock grace without a false alarm.
    const stopped = await runOnPage(page, "deadlock", 3, ["slow-sender"], 1500);
    assert.ok(stopped.timedOut, describeJob(stopped));
    assert.is(stopped.exitCode, 124, describeJob(stopped));
    assert.equal(
      stopped.ranks.map((r) => r.error),
      [
        "running (not in a wasmpi call)",
        "Recv: blocked (source=0, tag=4, comm=COMM_WORLD)",
        "Recv: blocked (source=0, tag=4, comm=COMM_WORLD)",
      ],
      describeJob(stopped),
    );
  });

  for (const mode of ["shared memory", "copying"] as const) {
    test(`a trapping kernel is reported on the demo page and leaves no worker (${mode})`, async () => {
      const page = (setup as Setup).pages[mode];
      await page.selectOption("#example", "failures");
      await page.fill("#args", "trap");
      await page.check("#ranks input[value='4']", { force: true });
      await page.click("#run");
      await page.waitForSelector("#result[data-state='failed']", { timeout: 30_000 });
      const failures = await page.locator("#failures li.failure").allTextContents();
      assert.equal(failures.length, 1, failures.join("\n"));
      assert.match(failures[0] as string, /^wasmpi: rank 3: trap: unreachable\b/);
      assert.is(await page.textContent("#exit"), "1");
      const status = await page
        .locator(".pane")
        .evaluateAll((panes) => panes.map((p) => (p as HTMLElement).dataset.status));
      assert.equal(status, ["aborted", "aborted", "aborted", "failed"]);
      assert.is(await noWorkersLeft(page), 0, "workers left running after the failure");
    });
  }

  test("the demo runs an example and shows each rank in its own pane (screenshot saved)", async () => {
    const page = (setup as Setup).pages["shared memory"];
    await page.selectOption("#example", "mpi_collectives");
    await page.fill("#args", "");
    await page.check("#ranks input[value='4']", { force: true });
    await page.click("#run");
    await page.waitForSelector("#result[data-state='done']", { timeout: 30_000 });
    assert.is(await page.textContent("#exit"), "0");
    const panes = await page.locator(".pane .out").allTextContents();
    assert.is(panes.length, 4);
    panes.forEach((text, r) => {
      assert.ok(text.includes(`Process ${r} received: Hello from the root process`), text);
    });
    assert.ok((panes[0] as string).includes("Message from process 3"), panes[0]);
    assert.match((await page.textContent("#time")) as string, /^\d+(\.\d+)? (ms|s)$/);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}/demo.png`, fullPage: true });
    await (setup as Setup).pages.copying.screenshot({ path: `${ARTIFACTS}/demo-copying.png` });
  });

  /** Runs `example` on `np` ranks from the demo's controls, the timeline switched on. */
  async function runOnDemo(page: Page, example: string, np: number): Promise<void> {
    // The timeline draws in animation frames, which a tab in the background is not given.
    await page.bringToFront();
    await page.selectOption("#example", example);
    await page.fill("#args", "");
    await page.check(`#ranks input[value='${np}']`, { force: true });
    await page.check("#timeline-toggle");
    await page.click("#run");
    await page.waitForSelector("#result[data-state='done']", { timeout: 30_000 });
  }

  test("the demo draws the timeline: a track per rank, an arrow from rank 0's send to rank 1, a call's details on focus, the trace saved (screenshot saved)", async () => {
    const page = (setup as Setup).pages["shared memory"];
    await runOnDemo(page, "mpi_send_recv", 2);
    const plot = page.locator("#timeline[data-state='ready'] .timeline-plot[data-drawn-arrows]");
    await plot.waitFor({ timeout: 10_000 });
    const shown = await page
      .locator("#timeline")
      .evaluate((e) => ({ ...(e as HTMLElement).dataset }));
    const drawn = await plot.evaluate((e) => ({ ...(e as HTMLElement).dataset }));
    const what = JSON.stringify({ shown, drawn });
    assert.is(shown.ranks, "2", what);
    assert.ok(shown.pairs?.split(" ").includes("0>1"), `a message from rank 0 to rank 1: ${what}`);
    assert.ok(Number(drawn.drawnArrows) >= 1, `an arrow drawn: ${what}`);
    assert.ok(Number(drawn.drawnCalls) >= 2, `a bar on each track: ${what}`);

    const [download] = await Promise.all([
      page.waitForEvent("download", { timeout: 10_000 }),
      page.click("#timeline .download"),
    ]);
    assert.is(download.suggestedFilename(), "wasmpi-mpi_send_recv-2-ranks.json");
    const trace = JSON.parse(readFileSync(await download.path(), "utf8")) as ChromeTrace;
    const calls = trace.traceEvents.filter((e) => e.ph === "X");
    assert.is(String(calls.length), shown.calls, "the timeline shows every call of the trace");
    assert.equal([...new Set(calls.map((e) => e.tid))].sort(), [0, 1], "both ranks made calls");
    const flows = trace.traceEvents.filter((e) => e.ph === "s" || e.ph === "f");
    assert.equal(
      flows.map((e) => `${e.ph} ${e.tid}`),
      ["s 0", "f 1"],
      "the saved trace holds the arrow",
    );

    // The keyboard starts on one of rank 0's first calls and walks right to its send.
    const rank0 = calls.filter((e) => e.tid === 0).sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0));
    const send = rank0.findIndex((e) => e.name === "send");
    assert.ok(send >= 0, `rank 0 sends: ${rank0.map((e) => e.name)}`);
    await page.focus("#timeline canvas");
    const tip = page.locator("#timeline .timeline-tip");
    await tip.waitFor({ state: "visible", timeout: 5000 });
    const walked: string[] = [];
    for (let i = 0; i <= send; i++) {
      const at = (await tip.locator(".call").textContent()) ?? "";
      walked.push(at);
      if (at === "send on rank 0") break;
      // The tip is redrawn in the next animation frame: wait for it to show another call (its
      // start time differs from the last one's) before reading it.
      const shown = (await tip.textContent()) ?? "";
      await page.keyboard.press("ArrowRight");
      await page.waitForFunction(
        (last) => document.querySelector("#timeline .timeline-tip")?.textContent !== last,
        shown,
        { timeout: 5000 },
      );
    }
    assert.is(walked.at(-1), "send on rank 0", `the calls walked: ${walked.join(", ")}`);
    const terms = await tip.locator("dt").allTextContents();
    const values = await tip.locator("dd").allTextContents();
    const details = Object.fromEntries(terms.map((t, i) => [t, values[i]]));
    const args = rank0[send]?.args ?? {};
    assert.equal(
      [details.peer, details.tag, details.bytes, details.duration],
      [
        String(args.peer),
        String(args.tag),
        String(args.bytes),
        formatDuration(rank0[send]?.dur ?? 0),
      ],
      JSON.stringify(details),
    );
    assert.is(details.peer, "1");

    mkdirSync(ARTIFACTS, { recursive: true });
    const box = await page.locator("#timeline").boundingBox();
    const tipBox = await tip.boundingBox();
    assert.ok(box !== null && tipBox !== null);
    const bottom = Math.max(box.y + box.height, tipBox.y + tipBox.height);
    await page.screenshot({
      path: `${ARTIFACTS}/timeline.png`,
      fullPage: true,
      clip: { x: box.x, y: box.y, width: box.width, height: bottom - box.y },
    });
  });

  test("a page that is not isolated records no trace and says so where the timeline would be", async () => {
    const page = (setup as Setup).pages.copying;
    await runOnDemo(page, "mpi_send_recv", 2);
    assert.is(await page.getAttribute("#timeline", "data-state"), "unavailable");
    assert.ok(await page.isVisible("#timeline .timeline-note"));
    assert.match(
      (await page.textContent("#timeline .timeline-note")) as string,
      /not cross-origin isolated/,
    );
    assert.is(await page.locator("#timeline canvas").count(), 0);
    assert.is(await page.textContent("#exit"), "0");
  });
}

test.run();
