#!/usr/bin/env bash
# Regenerates the plots of docs/methods/ with the hessopt binary itself.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p hessopt-cli
H="${CARGO_TARGET_DIR:-target}/release/hessopt"
ROSEN="100*(y - x^2)^2 + (1 - x)^2"
for m in nelder-mead bfgs dfp sr1 lbfgs lbfgsb cg newton trust-region gradient-descent; do
  $H plot "$ROSEN" --vars x,y --x0=-1.2,1 --methods "$m" --out "docs/methods/$m.svg" >/dev/null
done
$H plot "(x - 1)^2 + 4*(y + 1)^2" --vars x,y --x0=-2,1.5 --methods sgd,gradient-descent --out docs/methods/sgd.svg >/dev/null
$H plot "x^2 + y^2 + 10*(2 - cos(2*pi*x) - cos(2*pi*y))" --vars x,y --x0=3.2,-2.8 --methods sann,bfgs --out docs/methods/sann.svg >/dev/null
$H plot "(x - 2)^2 + sin(3*x)" --x0=1 --lower=0 --upper=4 --methods brent,lbfgsb --convergence --out docs/methods/brent.svg >/dev/null
$H plot "$ROSEN" --vars x,y --x0=-1.2,1 --methods newton,trust-region,bfgs,lbfgs,cg,nelder-mead --convergence --out docs/methods/convergence.svg >/dev/null
$H bench --out docs/methods/profile.svg > docs/methods/bench.txt
$H bench --settings scipy > docs/methods/bench-scipy.txt
echo "plots written to docs/methods/"
