#!/usr/bin/env bash
# The main job today: a real seed sweep on built-in synthetic data with known features.
# Writes synthetic activations (512 ground-truth features in d = 128), then trains four seeds of a
# TopK SAE and four of a ReLU+L1 SAE, each set in one pass over the same batches, with checkpoints.
# Then it matches the four seeds of each architecture with `sae compare` (shared latents, consensus,
# ground-truth recovery). Run it again on the same OUT and it resumes (finished runs are kept).
# The HTML report and `sae demo` arrive with the sweep issue (see the README's status table).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-demo}"
sae() { dotnet src/Sae.Cli/bin/Release/net10.0/sae.dll "$@"; }

dotnet build src/Sae.Cli -c Release -nologo -v quiet
if [ ! -f "$OUT/data/manifest.json" ]; then
  sae data synth --out "$OUT/data" --features 512 --dim 128 --rows 200000 --active 5 --seed 1
fi
resume=()
[ -f "$OUT/topk/train.json" ] && resume=(--resume)
sae train --data "$OUT/data" --arch topk --latents 1024 --k 5 --multi-topk --auxk-alpha 0.03125 --dead-tokens 100000 \
  --seeds 0-3 --steps 1500 --batch 1024 --lr 4e-3 --lr-warmup-steps 50 --save-every 500 --out "$OUT/topk" "${resume[@]}"
resume=()
[ -f "$OUT/relu/train.json" ] && resume=(--resume)
sae train --data "$OUT/data" --arch relu --latents 1024 --l1 0.1 \
  --seeds 0-3 --steps 2000 --batch 1024 --lr 3e-3 --lr-warmup-steps 50 --save-every 500 --out "$OUT/relu" "${resume[@]}"
for arch in topk relu; do
  sae compare "$OUT/$arch/seed0" "$OUT/$arch/seed1" "$OUT/$arch/seed2" "$OUT/$arch/seed3" \
    --ground-truth "$OUT/data/ground_truth.safetensors" --out "$OUT/compare-$arch"
done
echo "demo: SAEs in $OUT/{topk,relu}/seed*/, comparisons in $OUT/compare-{topk,relu}/ (summary.json, *.matches.csv)"
