#!/usr/bin/env python3
"""Cross-check the C# trainer against PyTorch re-implementations of both recipes (not part of CI).

What it proves: starting from our step-0 checkpoint and reading the same batches, a PyTorch
implementation of the TopK (sparsify) and ReLU+L1 (SAELens standard) recipes -- torch.optim.Adam,
torch.nn.utils.clip_grad_norm_, the learning-rate schedule set per step through param_group['lr'] --
reaches the same weights as `sae train` after every step.

For every configuration it:
  1. writes synthetic activations (Sharkey et al. 2022 style: sparse non-negative combinations of
     unit directions, float32 .npy; the row count is not a multiple of the batch so batches wrap);
  2. runs `dotnet sae.dll train ... --save-every 1` (a checkpoint after every step);
  3. loads our step-0 weights into torch and trains the same steps in float32 and in float64
     (the float64 run is a second reference: its distance to the float32 run is the level of
     float32 rounding noise alone);
  4. also runs a "one-step" check: from our checkpoint s-1 (weights AND Adam moments from
     state.safetensors) one torch float32 step, compared with our checkpoint s -- this isolates the
     disagreement of a single step from its accumulation over the trajectory;
  5. compares with our checkpoint after every step: relative error = max|ours - torch| / max|torch|
     per tensor (encoder.weight, encoder.bias, W_dec, b_dec), plus the max absolute error;
  6. compares the gradient itself: ours is recovered from the Adam first moments of checkpoints s
     and s+1 (exp_avg = 0.9 m + 0.1 g), torch float64's is taken from the same one-step run.

Why the weight errors are ~1e-5 and not ~1e-7: Adam's update lr * m / (sqrt(v) + eps) is nearly
lr * sign(g) in the first steps, so an element whose gradient is tiny (|g| ~ eps = 1e-8, i.e.
1e-5 of the largest) moves by an amount that depends on g's rounding error in float32. The gradient
agrees to ~1e-6 of its largest element (column "grad"), as close as torch float32 itself ("g32~g64"),
and torch float32 vs float64 differ in the weights by as much as we do ("t32~t64").

Exit status 1 when any free-run or one-step relative error (ours vs torch float32) exceeds --tol,
or (TopK) when our W_dec rows after a step do not have norm 1/(1 + float32 eps): that eps changes
the weights by ~1e-7 relative, below the float32 noise, so it is checked on the row norms instead.

Recipes (docs/science.md; src/Sae.Core/TopKModel.cs, ReluL1Model.cs, Trainer.cs):
  TopK:  pre = relu((x - b_dec) W_enc^T + b_enc); top-k per row; x_hat = sum v W_dec[idx] + b_dec;
         loss = FVU = sum (x_hat - x)^2 / sum (x - mean_rows(x))^2. Before Adam: W_dec.grad -=
         (grad . w) w per row, then clip_grad_norm_ over [W_enc, b_enc, W_dec, b_dec] (if on);
         Adam(betas .9/.999, eps 1e-8); after: W_dec rows /= (norm + float32 eps).
  ReLU:  f = relu((x - b_dec) W_enc^T + b_enc); x_hat = f W_dec + b_dec;
         loss = mean_b sum_d (x_hat - x)^2 + lambda_s * mean_b ||f_b * ||W_dec,i|| ||_1,
         lambda_s = lambda * min(1, s / l1_warmup) (lambda when the warm-up is 0); clip; Adam.
  LR at 0-based step s: base * (s / warmup during warm-up, then (steps - s) / (steps - warmup)
         for linear decay, or 1). Batch s = rows [s B, s B + B) modulo the row count.

Run (Debian's PyTorch 1.13 CPU + numpy; the .NET 10 SDK for the C# side), from the repository root:

    dotnet build src/Sae.Cli -c Release
    /usr/bin/python3 scripts/crosscheck_torch.py \
        --sae-dll src/Sae.Cli/bin/Release/net10.0/sae.dll

Options: --build (build first), --only NAME[,NAME] (a subset of the configurations), --tol 1e-4,
--work DIR (keep data and runs there; default a temporary directory, removed afterwards),
--verbose (a line per step). Takes about 1-2 minutes on 2 cores (the two large configurations are most of it).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

NAMES = ["encoder.weight", "encoder.bias", "W_dec", "b_dec"]
SHORT = {"encoder.weight": "W_enc", "encoder.bias": "b_enc", "W_dec": "W_dec", "b_dec": "b_dec"}
F32_EPS = float(np.finfo(np.float32).eps)  # sparsify's torch.finfo(float32).eps, also in the float64 run
REPO = Path(__file__).resolve().parent.parent


# ----------------------------------------------------------------------------------------- files

def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """8-byte little-endian header length, a JSON header, then the raw little-endian tensors."""
    raw = path.read_bytes()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + length])
    base = 8 + length
    dtypes = {"F32": "<f4", "F64": "<f8", "I64": "<i8"}
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        out[name] = np.frombuffer(raw[base + start:base + end], dtype=dtypes[info["dtype"]]).reshape(info["shape"]).copy()
    return out


def make_data(rows: int, d: int, seed: int) -> np.ndarray:
    """Sharkey-style: 2d unit directions, feature i fires with p ~ 0.99^i (about 5 per row), U(0,1) magnitudes."""
    rng = np.random.default_rng(seed)
    g = 2 * d
    dirs = rng.standard_normal((g, d))
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    p = 0.99 ** np.arange(g)
    p *= 5.0 / p.sum()
    active = rng.random((rows, g)) < np.minimum(p, 1.0)
    coeff = np.where(active, rng.random((rows, g)), 0.0)
    return (coeff @ dirs).astype(np.float32)


# --------------------------------------------------------------------------------- configurations

@dataclasses.dataclass(frozen=True)
class Config:
    name: str
    arch: str                 # topk | relu
    d: int
    n: int
    steps: int
    batch: int
    rows: int
    lr: float
    warmup: int = 0
    decay: str = "none"       # linear | none
    clip: float | None = None
    k: int = 8
    l1: float = 1.0
    l1_warmup: int = 0

    def describe(self) -> str:
        sched = f"wu{self.warmup}+{self.decay}" if self.warmup or self.decay != "none" else "const"
        clip = f"clip{self.clip:g}" if self.clip is not None else "noclip"
        extra = f"k{self.k}" if self.arch == "topk" else f"l1={self.l1:g}" + (f",l1wu{self.l1_warmup}" if self.l1_warmup else "")
        return f"d{self.d} n{self.n} B{self.batch} {extra} lr{self.lr:g} {sched} {clip}"


SMALL = dict(d=64, n=256, steps=20, batch=256, rows=1000)
CONFIGS = [
    Config("topk-sched-clip", "topk", **SMALL, lr=2e-3, warmup=5, decay="linear", clip=1.0),
    Config("topk-plain", "topk", **SMALL, lr=2e-3),
    Config("topk-clip0.05", "topk", **SMALL, lr=2e-3, warmup=5, decay="linear", clip=0.05),
    Config("relu-sched-clip", "relu", **SMALL, lr=2e-3, warmup=5, decay="linear", clip=1.0, l1=1.0),
    Config("relu-plain", "relu", **SMALL, lr=2e-3, l1=1.0),
    Config("relu-clip0.05", "relu", **SMALL, lr=2e-3, warmup=5, decay="linear", clip=0.05, l1=1.0),
    Config("relu-l1warmup", "relu", **SMALL, lr=2e-3, warmup=5, decay="linear", clip=1.0, l1=2.0, l1_warmup=8),
    # strong L1 and a larger lr drive most latents off, so the C# sparse ReLU path runs too
    Config("relu-sparse", "relu", **SMALL, lr=1e-2, l1=5.0, clip=1.0),
    Config("topk-large", "topk", d=256, n=2048, k=32, steps=10, batch=512, rows=3000, lr=1e-3, warmup=3, decay="linear", clip=1.0),
    Config("relu-large", "relu", d=256, n=2048, steps=10, batch=512, rows=3000, lr=1e-3, warmup=3, decay="linear", clip=1.0, l1=1.0),
]


def lr_factor(s: int, warmup: int, steps: int, decay: str) -> float:
    """transformers' get_linear_schedule_with_warmup (decay linear) or warm-up then constant."""
    if s < warmup:
        return s / max(1, warmup)
    if decay == "none":
        return 1.0
    return max(0.0, (steps - s) / max(1, steps - warmup))


def l1_factor(s: int, warmup: int) -> float:
    return 1.0 if warmup <= 0 else min(1.0, s / warmup)


def batch_rows(data: np.ndarray, s: int, b: int) -> np.ndarray:
    return data[(s * b + np.arange(b)) % data.shape[0]]


# ------------------------------------------------------------------------------------ torch recipes

class TorchSae:
    """Both recipes in plain PyTorch; parameters in our sparsify layout (W_enc [n, d])."""

    def __init__(self, cfg: Config, weights: dict[str, np.ndarray], dtype: torch.dtype, adam_state: dict | None = None, step: int = 0):
        self.cfg, self.dtype = cfg, dtype
        self.params = [torch.nn.Parameter(torch.tensor(weights[name], dtype=dtype)) for name in NAMES]
        self.w_enc, self.b_enc, self.w_dec, self.b_dec = self.params
        self.opt = torch.optim.Adam(self.params, lr=cfg.lr, betas=(0.9, 0.999), eps=1e-8)
        if adam_state is not None:
            for name, p in zip(NAMES, self.params):
                self.opt.state[p] = {
                    "step": torch.tensor(float(step)),
                    "exp_avg": torch.tensor(adam_state["exp_avg." + name], dtype=dtype),
                    "exp_avg_sq": torch.tensor(adam_state["exp_avg_sq." + name], dtype=dtype),
                }
        self.max_active = 0  # ReLU: largest active count of a row in the last batch
        self.clipped = 0     # steps whose gradient norm exceeded the clip

    def loss(self, x: torch.Tensor, s: int) -> torch.Tensor:
        cfg = self.cfg
        if cfg.arch == "topk":
            pre = torch.relu((x - self.b_dec) @ self.w_enc.T + self.b_enc)
            vals, idx = pre.topk(cfg.k, dim=1, sorted=False)
            acts = torch.zeros_like(pre).scatter(1, idx, vals)
            x_hat = acts @ self.w_dec + self.b_dec
            total_variance = (x - x.mean(0)).pow(2).sum()
            return (x_hat - x).pow(2).sum() / total_variance
        f = torch.relu((x - self.b_dec) @ self.w_enc.T + self.b_enc)
        self.max_active = int((f > 0).sum(1).max())
        x_hat = f @ self.w_dec + self.b_dec
        mse = (x_hat - x).pow(2).sum(-1).mean()
        sparsity = (f * self.w_dec.norm(dim=1)).norm(p=1, dim=-1)
        return mse + cfg.l1 * l1_factor(s, cfg.l1_warmup) * sparsity.mean()

    def step(self, x_np: np.ndarray, s: int) -> None:
        cfg = self.cfg
        x = torch.tensor(x_np, dtype=self.dtype)
        self.opt.zero_grad(set_to_none=False)
        self.loss(x, s).backward()
        if cfg.arch == "topk":
            with torch.no_grad():  # sparsify: remove_gradient_parallel_to_decoder_directions
                parallel = (self.w_dec.grad * self.w_dec).sum(1, keepdim=True)
                self.w_dec.grad -= parallel * self.w_dec
        if cfg.clip is not None:
            norm = float(torch.nn.utils.clip_grad_norm_(self.params, cfg.clip))
            self.clipped += norm > cfg.clip
        for group in self.opt.param_groups:
            group["lr"] = cfg.lr * lr_factor(s, cfg.warmup, cfg.steps, cfg.decay)
        self.opt.step()
        if cfg.arch == "topk":
            with torch.no_grad():  # sparsify: set_decoder_norm_to_unit_norm
                self.w_dec /= self.w_dec.norm(dim=1, keepdim=True) + F32_EPS

    def moments(self) -> dict[str, np.ndarray]:
        return {name: self.opt.state[p]["exp_avg"].numpy().astype(np.float64) for name, p in zip(NAMES, self.params)}

    def weights(self) -> dict[str, np.ndarray]:
        return {name: p.detach().numpy().astype(np.float64) for name, p in zip(NAMES, self.params)}


# --------------------------------------------------------------------------------------- comparing

def errors(ours: dict[str, np.ndarray], ref: dict[str, np.ndarray]) -> dict[str, tuple[float, float]]:
    """Per tensor: (max|ours - ref| / max|ref|, max|ours - ref|)."""
    out = {}
    for name in NAMES:
        a, b = ours[name].astype(np.float64), ref[name].astype(np.float64)
        diff = float(np.abs(a - b).max())
        scale = float(np.abs(b).max())
        out[name] = (diff / scale if scale > 0 else diff, diff)
    return out


def merge(acc: dict, errs: dict) -> None:
    for name, (rel, ab) in errs.items():
        r0, a0 = acc.get(name, (0.0, 0.0))
        acc[name] = (max(r0, rel), max(a0, ab))


def run_ours(dll: Path, cfg: Config, data_file: Path, out: Path) -> float:
    if out.exists():
        shutil.rmtree(out)
    cmd = ["dotnet", str(dll), "train", "--data", str(data_file), "--arch", cfg.arch, "--latents", str(cfg.n),
           "--seeds", "0", "--steps", str(cfg.steps), "--batch", str(cfg.batch), "--out", str(out), "--save-every", "1",
           "--lr", repr(cfg.lr), "--lr-warmup-steps", str(cfg.warmup), "--lr-decay", cfg.decay,
           "--grad-clip", "none" if cfg.clip is None else repr(cfg.clip), "--threads", "2"]
    cmd += ["--k", str(cfg.k)] if cfg.arch == "topk" else ["--l1", repr(cfg.l1), "--l1-warmup-steps", str(cfg.l1_warmup)]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{cfg.name}: sae train failed ({done.returncode}):\n{' '.join(cmd)}\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - t0


def checkpoint(out: Path, step: int) -> Path:
    return out / "seed0" / "checkpoints" / f"step-{step:09d}"


def crosscheck(cfg: Config, dll: Path, work: Path, verbose: bool) -> dict:
    data = make_data(cfg.rows, cfg.d, seed=cfg.d)
    data_file = work / f"data-{cfg.rows}x{cfg.d}.npy"
    if not data_file.exists():
        np.save(data_file, data)
    out = work / cfg.name
    cs_seconds = run_ours(dll, cfg, data_file, out)

    t0 = time.perf_counter()
    ours = [{k: v.astype(np.float64) for k, v in read_safetensors(checkpoint(out, s) / "sae.safetensors").items()}
            for s in range(cfg.steps + 1)]
    start = read_safetensors(checkpoint(out, 0) / "sae.safetensors")
    t32 = TorchSae(cfg, start, torch.float32)
    t64 = TorchSae(cfg, start, torch.float64)
    free, one, noise, vs64, grad, grad_noise = {}, {}, {}, {}, {}, {}
    sparse_steps = 0
    for s in range(cfg.steps):
        x = batch_rows(data, s, cfg.batch)
        t32.step(x, s)
        t64.step(x, s)
        if cfg.arch == "relu" and max(t32.max_active, 1) * 8 <= cfg.n:
            sparse_steps += 1  # ReluL1Model.SparseDensityLimit: the C# sparse path ran this step
        # one step from our own state (weights + Adam moments) at s
        prev = checkpoint(out, s)
        state = read_safetensors(prev / "state.safetensors")
        prev_weights = read_safetensors(prev / "sae.safetensors")
        single = TorchSae(cfg, prev_weights, torch.float32, adam_state=state, step=s)
        single64 = TorchSae(cfg, prev_weights, torch.float64, adam_state=state, step=s)
        single.step(x, s)
        single64.step(x, s)
        # the gradient Adam saw (after projection and clipping), from exp_avg = b1 m + (1 - b1) g
        state_next = read_safetensors(checkpoint(out, s + 1) / "state.safetensors")
        g_ours, g32, g64 = (single_gradient(state, m) for m in (
            {n: state_next["exp_avg." + n] for n in NAMES}, single.moments(), single64.moments()))
        w32, w64 = t32.weights(), t64.weights()
        e_free, e_one = errors(ours[s + 1], w32), errors(ours[s + 1], single.weights())
        e_noise, e_64 = errors(w32, w64), errors(ours[s + 1], w64)
        e_grad, e_grad_noise = errors(g_ours, g64), errors(g32, g64)
        for acc, e in ((free, e_free), (one, e_one), (noise, e_noise), (vs64, e_64), (grad, e_grad), (grad_noise, e_grad_noise)):
            merge(acc, e)
        if verbose:
            line = " ".join(f"{SHORT[n]} {e_free[n][0]:.1e}/{e_one[n][0]:.1e}/{e_noise[n][0]:.1e}/{e_grad[n][0]:.1e}" for n in NAMES)
            print(f"  {cfg.name} step {s + 1:3d}  rel free/one-step/t32~t64/grad: {line}")
    # the float32 eps in W_dec /= (norm + eps) is below the weights' noise, so check it on its own:
    # after the step every row norm is 1/(1 + eps) ~ 1 - eps, visible in the mean over rows
    eps_shift = None
    if cfg.arch == "topk":
        eps_shift = float(np.mean([np.linalg.norm(ours[s]["W_dec"], axis=1).mean() - 1 for s in range(1, cfg.steps + 1)]))
    return dict(cfg=cfg, free=free, one=one, noise=noise, vs64=vs64, grad=grad, grad_noise=grad_noise, eps_shift=eps_shift,
                sparse_steps=sparse_steps, clipped=t32.clipped, cs_seconds=cs_seconds, torch_seconds=time.perf_counter() - t0)


def single_gradient(state: dict[str, np.ndarray], moments: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """g = (m_s - b1 m_{s-1}) / (1 - b1): the gradient of one step from its first moments before and after."""
    return {n: (moments[n].astype(np.float64) - 0.9 * state["exp_avg." + n].astype(np.float64)) / 0.1 for n in NAMES}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sae-dll", type=Path, default=REPO / "src/Sae.Cli/bin/Release/net10.0/sae.dll")
    ap.add_argument("--build", action="store_true", help="dotnet build src/Sae.Cli -c Release first")
    ap.add_argument("--only", help="comma-separated configuration names")
    ap.add_argument("--tol", type=float, default=1e-4, help="max relative error allowed (ours vs torch float32)")
    ap.add_argument("--work", type=Path, help="keep data and runs here (default: a temporary directory)")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()

    torch.manual_seed(0)
    if args.build:
        subprocess.run(["dotnet", "build", str(REPO / "src/Sae.Cli"), "-c", "Release", "-nologo", "-v", "quiet"], check=True)
    if not args.sae_dll.exists():
        sys.exit(f"{args.sae_dll} not found: build with `dotnet build src/Sae.Cli -c Release` or pass --build / --sae-dll.")
    configs = CONFIGS
    if args.only:
        wanted = set(args.only.split(","))
        configs = [c for c in CONFIGS if c.name in wanted]
        if unknown := wanted - {c.name for c in configs}:
            sys.exit(f"unknown configuration(s): {', '.join(sorted(unknown))}; known: {', '.join(c.name for c in CONFIGS)}")

    work = args.work or Path(tempfile.mkdtemp(prefix="sae-crosscheck-"))
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    print(f"torch {torch.__version__}, numpy {np.__version__}; sae.dll: {args.sae_dll}; tolerance {args.tol:g} relative")
    results = []
    try:
        for cfg in configs:
            r = crosscheck(cfg, args.sae_dll, work, args.verbose)
            results.append(r)
            notes = [f"clip bit on {r['clipped']}/{cfg.steps} steps"] if cfg.clip is not None else []
            if r["eps_shift"] is not None:
                notes.append(f"W_dec mean(|row| - 1) = {r['eps_shift']:.3g} (-eps = {-F32_EPS:.3g})")
            if cfg.arch == "relu":
                notes.append(f"sparse ReLU path on {r['sparse_steps']}/{cfg.steps}")
            print(f"{cfg.name:16s} {cfg.describe():52s} C# {r['cs_seconds']:4.1f}s  torch {r['torch_seconds']:4.1f}s  "
                  + ", ".join(notes))
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)

    print("\nmax over all steps of max|a - b| / max|b| per tensor (W_enc b_enc W_dec b_dec), or the max over tensors")
    print("  ours~t32  free run: our weights vs torch float32, both from our step 0 (pass/fail, with one-step)")
    print("  max abs   free run: largest max|ours - torch float32| of any tensor")
    print("  one-step  our weights at s+1 vs one torch float32 step from our checkpoint s (weights + Adam moments)")
    print("  grad      the gradient Adam saw at step s (after projection/clip; ours from exp_avg) vs torch float64's,")
    print("            both from our checkpoint s; g32~g64 is torch float32's distance, the float32 noise floor")
    print("  t32~t64   free run, torch float32 vs torch float64 (weight noise floor); ours~t64 the same for ours")
    hdr = (f"{'config':16s} {'steps':>5s} | {'ours~t32 (free run)':^39s} | {'max abs':>7s} | {'one-step':>8s} | "
           f"{'grad':>7s} | {'g32~g64':>7s} | {'t32~t64':>7s} | {'ours~t64':>8s} | ok")
    print(hdr)
    print("-" * len(hdr))
    failed = []

    def worst(r, key):
        return max(r[key][n][0] for n in NAMES)

    for r in results:
        cfg = r["cfg"]
        rel = [r["free"][n][0] for n in NAMES]
        ok = max(worst(r, "free"), worst(r, "one")) <= args.tol
        if r["eps_shift"] is not None and abs(r["eps_shift"] + F32_EPS) > 0.25 * F32_EPS:
            ok = False
            print(f"{cfg.name}: W_dec rows are not renormalised with norm + float32 eps (mean |row| - 1 = {r['eps_shift']:.3g})")
        if not ok:
            failed.append(cfg.name)
        print(f"{cfg.name:16s} {cfg.steps:5d} | " + " ".join(f"{v:9.1e}" for v in rel)
              + f" | {max(r['free'][n][1] for n in NAMES):7.1e} | {worst(r, 'one'):8.1e} | {worst(r, 'grad'):7.1e}"
              + f" | {worst(r, 'grad_noise'):7.1e} | {worst(r, 'noise'):7.1e} | {worst(r, 'vs64'):8.1e} | {'yes' if ok else 'NO'}")
    print(f"\n{len(results)} configurations, {time.perf_counter() - t0:.1f}s in all")
    if failed:
        print(f"FAILED (relative error > {args.tol:g}): {', '.join(failed)}")
        return 1
    print(f"all within {args.tol:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
