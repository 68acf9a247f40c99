// Copies the browser build of ECharts from node_modules into dist/, which the console serves
// as /static/vendor/ (no CDN at run time).
import { copyFileSync, mkdirSync } from "node:fs";

mkdirSync("dist", { recursive: true });
copyFileSync("node_modules/echarts/dist/echarts.min.js", "dist/echarts.min.js");
console.log("console/web/dist/echarts.min.js");
