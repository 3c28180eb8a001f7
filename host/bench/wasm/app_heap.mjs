// Runs firmware/tools/bench_app_heap_mp.py on MicroPython's webassembly port (32-bit
// pointers, as an ESP32): the firmware's ROMFS image is mapped outside the GC heap, as an
// ESP32 maps its romfs partition; the flash directory and the telegrams file go into the
// port's in-memory filesystem. Called by host/bench/bench_collector.py:
//   node app_heap.mjs <micropython.mjs> <romfs image> <flash dir> <telegrams file> <step ms>
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [mjs, romfs, flashDir, framesPath, step] = process.argv.slice(2);
const { loadMicroPython } = await import(pathToFileURL(mjs).href);
const mp = await loadMicroPython({
  heapsize: 1024 * 1024,
  romfs: new Uint8Array(fs.readFileSync(romfs)),
  stdout: (line) => console.log(line),
  stderr: (line) => console.error(line),
});
mp.FS.mkdir("/flash");
for (const name of fs.readdirSync(flashDir)) {
  mp.FS.writeFile("/flash/" + name, fs.readFileSync(path.join(flashDir, name)));
}
mp.FS.writeFile("/telegrams.bin", fs.readFileSync(framesPath));
// the port collects garbage only between calls from here: each step is a call of its own
mp.runPython(`import sys
sys.argv.extend(["wasm", "/flash", "/telegrams.bin", "${step}"])
import bench_app_heap_mp as bench
bench.setup()`);
mp.runPython("bench.measure()");
for (;;) {
  mp.runPython("more = bench.feed(50)");
  if (!mp.globals.get("more")) break;
  mp.runPython("bench.measure()");
}
mp.runPython("bench.measure()\nbench.report()");
