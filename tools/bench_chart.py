"""results/bench.png: ours against the minimal bot, scenario by scenario (matplotlib comes with Rasa)."""
from __future__ import annotations

from pathlib import Path


def chart(turns: dict, figures: dict, target: Path) -> None:
    """Latency percentiles and throughput per scenario, the two bots side by side."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    phases = list(turns["ours"]["scenarios"])
    figure, (latency, throughput) = plt.subplots(1, 2, figsize=(12, 4.5))
    width = 0.13
    for b, bot in enumerate(("minimal", "ours")):
        scenarios = turns[bot]["scenarios"]
        for q, key in enumerate(("p50_ms", "p95_ms", "p99_ms")):
            offset = (b * 3 + q - 2.5) * width
            latency.bar([i + offset for i in range(len(phases))], [scenarios[p][key] for p in phases], width,
                        label=f"{bot} {key[:3]}", color=("C0", "C3")[b], alpha=(0.45, 0.7, 1.0)[q])
        throughput.bar([i + (b - 0.5) * 0.35 for i in range(len(phases))],
                       [scenarios[p]["turns_per_s"] for p in phases], 0.35, label=bot, color=("C0", "C3")[b])
    for axes, title in ((latency, "ms per turn"), (throughput, "turns per second")):
        axes.set_xticks(range(len(phases)))
        axes.set_xticklabels([p.replace("c", "", 1).replace("t", " at once, ", 1) + " turns" for p in phases],
                             rotation=20, fontsize=8)
        axes.set_title(title)
        axes.legend(fontsize=7)
    latency.set_yscale("log")
    figure.suptitle(f"p50 {figures['p50_ratio']}×, p95 {figures['p95_ratio']}×, throughput at 10 "
                    f"{figures['throughput10_ratio']}×, 40 vs 5 turns {figures['turn40_vs_5']}× "
                    f"(ours / minimal) — {figures['machine']}", fontsize=8)
    figure.tight_layout()
    figure.savefig(target, dpi=90)
    plt.close(figure)
