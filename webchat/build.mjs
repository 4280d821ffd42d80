// Builds dist/chat-widget.js (one file: script + styles) from src/, and
// dist/THIRD-PARTY-LICENSES.txt (the licences of the npm packages bundled in it).
//   node build.mjs          write dist/
//   node build.mjs --check  fail if dist/ is not what src/ builds to
import { readFile, writeFile, mkdir, readdir } from "node:fs/promises";
import * as esbuild from "esbuild";

const OUT = "dist/chat-widget.js";
const LICENSES = "dist/THIRD-PARTY-LICENSES.txt";

// CSS is minified and bundled as a string; the widget adopts it into its shadow root.
const cssAsText = {
  name: "css-as-text",
  setup(build) {
    build.onLoad({ filter: /\.css$/ }, async ({ path }) => {
      const css = await readFile(path, "utf8");
      const { code } = await esbuild.transform(css, { loader: "css", minify: true });
      return { contents: code.trim(), loader: "text" };
    });
  },
};

const result = await esbuild.build({
  entryPoints: ["src/index.js"],
  bundle: true,
  format: "iife",
  platform: "browser",
  target: ["es2020", "chrome90", "firefox90", "safari15"],
  minify: true,
  legalComments: "eof",
  plugins: [cssAsText],
  write: false,
  metafile: true,
  banner: {
    js: "/* Spine clinic chat widget (webchat/src). Bundles socket.io-client, MIT licence. */",
  },
});
const code = result.outputFiles[0].text;

async function licenseText(pkg) {
  const dir = `node_modules/${pkg}`;
  const { version } = JSON.parse(await readFile(`${dir}/package.json`, "utf8"));
  const file = (await readdir(dir)).find((name) => /^licen[cs]e/i.test(name));
  return `${pkg} ${version}\n${"=".repeat(40)}\n${(await readFile(`${dir}/${file}`, "utf8")).trim()}\n`;
}

const packages = [
  ...new Set(
    Object.keys(result.metafile.inputs)
      .map((input) => input.match(/^node_modules\/((?:@[^/]+\/)?[^/]+)\//))
      .filter(Boolean)
      .map((match) => match[1]),
  ),
].sort();
const licenses = (await Promise.all(packages.map(licenseText))).join("\n");
const outputs = { [OUT]: code, [LICENSES]: licenses };

if (process.argv.includes("--check")) {
  for (const [path, text] of Object.entries(outputs)) {
    if ((await readFile(path, "utf8").catch(() => "")) !== text) {
      console.error(`${path} is out of date: run \`npm run build\` in webchat/`);
      process.exit(1);
    }
  }
  console.log("dist/ is up to date");
} else {
  await mkdir("dist", { recursive: true });
  for (const [path, text] of Object.entries(outputs)) {
    await writeFile(path, text);
    console.log(`wrote ${path} (${text.length} bytes)`);
  }
}
