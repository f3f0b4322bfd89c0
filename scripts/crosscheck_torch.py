#!/usr/bin/env python3
"""Cross-check the C# trainer against PyTorch re-implementations of four recipes (not part of CI).

What it proves: starting from our step-0 checkpoint and reading the same batches, a PyTorch
implementation of the TopK (sparsify), ReLU+L1 (SAELens standard), BatchTopK (dictionary_learning)
and JumpReLU (SAELens JumpReLUTrainingSAE) recipes -- torch.optim.Adam, torch.nn.utils.clip_grad_norm_,
the learning-rate schedule set per step through param_group['lr'] -- reaches the same weights as
`sae train` after every step, BatchTopK's inference threshold and JumpReLU's log_threshold included.

For every configuration it:
  1. writes synthetic activations (Sharkey et al. 2022 style: sparse non-negative combinations of
     unit directions, float32 .npy, optionally scaled; the row count is not a multiple of the batch
     so batches wrap);
  2. runs `dotnet sae.dll train ... --save-every 1` (a checkpoint after every step);
  3. loads our step-0 weights into torch and trains the same steps in float32 and in float64
     (the float64 run is a second reference: its distance to the float32 run is the level of
     float32 rounding noise alone);
  4. also runs a "one-step" check: from our checkpoint s-1 (weights AND Adam moments from
     state.safetensors) one torch float32 step, compared with our checkpoint s -- this isolates the
     disagreement of a single step from its accumulation over the trajectory;
  5. compares with our checkpoint after every step: relative error = max|ours - torch| / max|torch|
     per tensor (encoder.weight, encoder.bias, W_dec, b_dec; threshold; log_threshold), plus the
     max absolute error;
  6. compares the gradient itself: ours is recovered from the Adam first moments of checkpoints s
     and s+1 (exp_avg = 0.9 m + 0.1 g), torch float64's is taken from the same one-step run;
  7. (BatchTopK, JumpReLU) watches the discrete decisions: which entries the batch selection keeps,
     which pre are above thr and which are in the straight-through window; see "Flips" below.

Why the weight errors are ~1e-5 and not ~1e-7: Adam's update lr * m / (sqrt(v) + eps) is nearly
lr * sign(g) in the first steps, so an element whose gradient is tiny (|g| ~ eps = 1e-8, i.e.
1e-5 of the largest) moves by an amount that depends on g's rounding error in float32. The gradient
agrees to ~1e-6 of its largest element (column "grad"), as close as torch float32 itself ("g32~g64"),
and torch float32 vs float64 differ in the weights by as much as we do ("t32~t64").

Flips. BatchTopK and JumpReLU make discrete decisions on float32 numbers; where a pre lies within
an ulp or so of thr (or of a window edge, or of the batch's cut), our float32 and torch's, summing
in another order, may decide it differently -- a rounding effect, but one that changes the step by
far more than rounding: in jumprelu-large at step 6, pre - thr = +9e-10 (0.97 ulp of thr = 0.01)
at (b=412, i=1340); torch float32 and float64 both call it active, our float32 did not, and that
one (b, i) puts our gradient 1.3e-2 (relative) away from torch's in latent 1340's rows and the
one-step weights 1.3e-3 away, then the free run 2e-3. Such a flip shows in our gradient (it is off
in one latent's rows by >> the 1e-6 noise), so when our gradient is off by more than SUSPECT
(3e-5) the script looks among that latent's (b, i) nearest a boundary for the decision(s) that,
taken the other way in torch float32, bring torch's gradient back to ours (to 1.6e-6 there),
reports them, and lets every torch run of that step (one-step, float64, free run) take our
decision, so that the tolerance still measures the arithmetic around it. A gradient that is off
and that no such flip explains fails the configuration. The default --tol holds for all of them.

Exit status 1 when any free-run or one-step relative error (ours vs torch float32) exceeds --tol,
when our gradient is off in a way no boundary decision explains, or (TopK, BatchTopK) when our W_dec
rows after a step do not have norm 1/(1 + float32 eps): that eps changes the weights by ~1e-7
relative, below the float32 noise, so it is checked on the row norms instead.

Recipes (docs/science.md; src/Sae.Core/TopKModel.cs, BatchSelection.cs, ReluL1Model.cs,
JumpReluModel.cs, Trainer.cs):
  TopK:  pre = relu((x - b_dec) W_enc^T + b_enc); top-k per row; x_hat = sum v W_dec[idx] + b_dec;
         loss = FVU = sum (x_hat - x)^2 / sum (x - mean_rows(x))^2. Before Adam: W_dec.grad -=
         (grad . w) w per row, then clip_grad_norm_ over [W_enc, b_enc, W_dec, b_dec] (if on);
         Adam(betas .9/.999, eps 1e-8); after: W_dec rows /= (norm + float32 eps).
  ReLU:  f = relu((x - b_dec) W_enc^T + b_enc); x_hat = f W_dec + b_dec;
         loss = mean_b sum_d (x_hat - x)^2 + lambda_s * mean_b ||f_b * ||W_dec,i|| ||_1,
         lambda_s = lambda * min(1, s / l1_warmup) (lambda when the warm-up is 0); clip; Adam.
  BatchTopK: as TopK (FVU, projection, clip, Adam, renormalisation; AuxK off here as in the TopK
         configurations) but keep the k B largest entries of the whole [B, n] relu(pre) matrix
         (torch.topk of the flattened matrix). Inference threshold thr ("threshold", one value for
         every latent, no gradient): 0 while the 0-based step s <= --threshold-start-step; at
         s = start + 1 it becomes m, the smallest kept activation of that step's batch; after that
         thr = 0.999 thr + (1 - 0.999) m in the run's dtype (float32: 0.999f and 0.001f, as our
         BatchSelection.UpdateThreshold). Compared per step like the weights.
  JumpReLU: pre = (x - b_dec) W_enc^T + b_enc (no relu), thr = exp(log_threshold) per latent,
         f = JumpReLU(pre, thr) = pre 1[pre > thr], x_hat = f W_dec + b_dec;
         loss = sum_b ||x_hat_b - x_b||^2 / B + lambda0_s * sum_b #{i: pre_bi > thr_i} / B (the count
         by Step(pre, thr)), lambda0_s = l0 * min(1, s / l0_warmup) (l0 without a warm-up). JumpReLU
         and Step are torch.autograd.Functions exactly as SAELens writes them (rect(u) = 1[-1/2 < u < 1/2],
         eps the bandwidth): JumpReLU.backward gives x 1[x > thr] g and thr sum_b -(thr/eps) rect((x - thr)/eps) g,
         Step.backward gives thr sum_b -(1/eps) rect((x - thr)/eps) g and x nothing. log_threshold is the
         parameter: Adam and clip_grad_norm_ over [W_enc, b_enc, W_dec, b_dec, log_threshold]; no decoder
         constraint. Our checkpoints hold threshold (MathF.Exp of our log_threshold) in sae.safetensors and
         log_threshold with its Adam moments in state.safetensors; the one-step runs start from our
         log_threshold and "logthr" compares it with torch's. torch 1.13's float32 exp is 1 ulp off the correctly rounded value for ~12% of inputs
         (MathF.Exp, glibc's expf, almost never is), hence thr's ~1e-7.
         jumprelu-wide-*: activations x10, eps 0.5, thr0 0.2: 36-65% of the (b, i) in the window and
         10-50% above thr per step; jumprelu-saelens-l0wu: SAELens' eps 0.05 and thr0 0.01 with an L0
         warm-up (48-83% in the window); l0 is chosen so that Step's thr gradient and JumpReLU's are of
         the same order (--verbose prints both norms and the window counts per step).
  LR at 0-based step s: base * (s / warmup during warm-up, then (steps - s) / (steps - warmup)
         for linear decay, or 1). Batch s = rows [s B, s B + B) modulo the row count.

Run (Debian's PyTorch 1.13 CPU + numpy; the .NET 10 SDK for the C# side), from the repository root:

    dotnet build src/Sae.Cli -c Release
    /usr/bin/python3 scripts/crosscheck_torch.py \
        --sae-dll src/Sae.Cli/bin/Release/net10.0/sae.dll

Options: --build (build first), --only NAME[,NAME] (a subset of the configurations), --tol 1e-4,
--work DIR (keep data and runs there; default a temporary directory, removed afterwards),
--verbose (a line per step, and for BatchTopK/JumpReLU the decisions: kept entries and the gap at the
cut; (b, i) in the window and above thr, the two parts of thr's gradient, the smallest distances to
the boundaries). Takes about 2-2.5 minutes on 2 cores (the four large configurations are most of it).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

NAMES = ["encoder.weight", "encoder.bias", "W_dec", "b_dec"]  # the four tensors every SAE has
EXTRA = ["threshold", "log_threshold"]  # the table's two extra columns ("-" where an architecture has no such tensor)
SHORT = {"encoder.weight": "W_enc", "encoder.bias": "b_enc", "W_dec": "W_dec", "b_dec": "b_dec",
         "threshold": "thr", "log_threshold": "logthr"}
# what Adam trains (and clip_grad_norm_ sees), and what is compared with our checkpoints
TRAINED = {"topk": NAMES, "relu": NAMES, "batchtopk": NAMES, "jumprelu": NAMES + ["log_threshold"]}
COMPARED = {"topk": NAMES, "relu": NAMES, "batchtopk": NAMES + ["threshold"], "jumprelu": NAMES + ["threshold", "log_threshold"]}
UNIT_DECODER = ("topk", "batchtopk")  # gradient projection + row renormalisation
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
    arch: str                 # topk | relu | batchtopk | jumprelu
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
    threshold_start: int = 3  # BatchTopK: --threshold-start-step
    l0: float = 1.0           # JumpReLU: --l0, --l0-warmup-steps, --jumprelu-bandwidth, --jumprelu-init-threshold
    l0_warmup: int = 0
    bandwidth: float = 0.05
    init_threshold: float = 0.01
    scale: float = 1.0        # the activations are make_data(...) * scale

    def describe(self) -> str:
        sched = f"wu{self.warmup}+{self.decay}" if self.warmup or self.decay != "none" else "const"
        clip = f"clip{self.clip:g}" if self.clip is not None else "noclip"
        if self.arch == "topk":
            extra = f"k{self.k}"
        elif self.arch == "batchtopk":
            extra = f"k{self.k} thr@{self.threshold_start}"
        elif self.arch == "relu":
            extra = f"l1={self.l1:g}" + (f",l1wu{self.l1_warmup}" if self.l1_warmup else "")
        else:
            extra = (f"l0={self.l0:g}" + (f",l0wu{self.l0_warmup}" if self.l0_warmup else "")
                     + f" eps{self.bandwidth:g} thr0={self.init_threshold:g}" + (f" x*{self.scale:g}" if self.scale != 1 else ""))
        return f"d{self.d} n{self.n} B{self.batch} {extra} lr{self.lr:g} {sched} {clip}"


SMALL = dict(d=64, n=256, steps=20, batch=256, rows=1000)
LARGE = dict(d=256, n=2048, steps=10, batch=512, rows=3000, lr=1e-3, warmup=3, decay="linear", clip=1.0)
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
    # BatchTopK (no AuxK, as the TopK configurations): the threshold is first measured at step start + 1
    Config("batchtopk-sched-clip", "batchtopk", **SMALL, lr=2e-3, warmup=5, decay="linear", clip=1.0, threshold_start=3),
    Config("batchtopk-plain", "batchtopk", **SMALL, lr=2e-3, threshold_start=0),
    Config("batchtopk-large", "batchtopk", **LARGE, k=32, threshold_start=3),
    # JumpReLU, wide window: activations x10, eps 0.5, threshold 0.2 put 36-65% of the (b, i) in the window
    # (pre - thr) / eps in (-1/2, 1/2) and 10-50% above the threshold; l0 weighs the L0 step's threshold
    # gradient about as much as the JumpReLU's
    Config("jumprelu-wide-sched-clip", "jumprelu", **SMALL, lr=2e-3, warmup=5, decay="linear", clip=1.0,
           l0=0.05, bandwidth=0.5, init_threshold=0.2, scale=10.0),
    Config("jumprelu-wide-plain", "jumprelu", **SMALL, lr=2e-3, l0=0.05, bandwidth=0.5, init_threshold=0.2, scale=10.0),
    # SAELens' defaults for the window (eps 0.05, threshold 0.01) with an L0 warm-up
    Config("jumprelu-saelens-l0wu", "jumprelu", **SMALL, lr=2e-3, warmup=5, decay="linear", clip=1.0,
           l0=1e-3, l0_warmup=8),
    Config("jumprelu-large", "jumprelu", **LARGE, l0=1e-3, l0_warmup=4),
]


def lr_factor(s: int, warmup: int, steps: int, decay: str) -> float:
    """transformers' get_linear_schedule_with_warmup (decay linear) or warm-up then constant."""
    if s < warmup:
        return s / max(1, warmup)
    if decay == "none":
        return 1.0
    return max(0.0, (steps - s) / max(1, steps - warmup))


def l1_factor(s: int, warmup: int) -> float:
    """SAELens' coefficient warm-up (L1 for ReLU, L0 for JumpReLU): min(1, s / warmup), 1 without one."""
    return 1.0 if warmup <= 0 else min(1.0, s / warmup)


def batch_rows(data: np.ndarray, s: int, b: int) -> np.ndarray:
    return data[(s * b + np.arange(b)) % data.shape[0]]


# ------------------------------------------------------------------------------------ torch recipes
# A "force" is {decision: (flat indices into [B, n], forced bools)}: decisions of single (b, i) that a run takes as
# given instead of deciding them itself (decisions "kept" for BatchTopK, "active" and "window" for JumpReLU). Only
# flip attribution uses them: when our gradient says that our float32 decided a (b, i) at a boundary the other way
# (see attribute_flips), the torch runs take our decision, so that the comparison goes on measuring the arithmetic.

Force = dict  # str -> (torch.LongTensor, torch.BoolTensor)


def forced(mask: torch.Tensor, force: tuple | None) -> torch.Tensor:
    if force is not None:
        mask = mask.clone()
        mask.view(-1)[force[0]] = force[1].to(mask.dtype)
    return mask


def rectangle(x: torch.Tensor) -> torch.Tensor:
    """SAELens' rectangle kernel: 1 on (-1/2, 1/2), open at both ends."""
    return ((x > -0.5) & (x < 0.5)).to(x)


class JumpReLUFn(torch.autograd.Function):
    """SAELens' JumpReLU: x 1[x > thr]; x gets 1[x > thr] g (no STE), thr the rectangle straight-through estimate."""

    @staticmethod
    def forward(ctx, x, threshold, bandwidth, force=None):
        ctx.save_for_backward(x, threshold)
        ctx.bandwidth, ctx.force = bandwidth, force or {}
        return (x * forced(x > threshold, ctx.force.get("active"))).to(x.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        x, threshold = ctx.saved_tensors
        bandwidth, force = ctx.bandwidth, ctx.force
        x_grad = forced(x > threshold, force.get("active")) * grad_output
        rect = forced(rectangle((x - threshold) / bandwidth), force.get("window"))
        threshold_grad = torch.sum(-(threshold / bandwidth) * rect * grad_output, dim=0)
        return x_grad, threshold_grad, None, None


class StepFn(torch.autograd.Function):
    """SAELens' Step (the L0 count): 1[x > thr]; no gradient for x, the rectangle estimate for thr."""

    @staticmethod
    def forward(ctx, x, threshold, bandwidth, force=None):
        ctx.save_for_backward(x, threshold)
        ctx.bandwidth, ctx.force = bandwidth, force or {}
        return forced(x > threshold, ctx.force.get("active")).to(x)

    @staticmethod
    def backward(ctx, grad_output):
        x, threshold = ctx.saved_tensors
        bandwidth, force = ctx.bandwidth, ctx.force
        rect = forced(rectangle((x - threshold) / bandwidth), force.get("window"))
        threshold_grad = torch.sum(-(1.0 / bandwidth) * rect * grad_output, dim=0)
        return None, threshold_grad, None, None


class TorchSae:
    """The four recipes in plain PyTorch; parameters in our sparsify layout (W_enc [n, d])."""

    def __init__(self, cfg: Config, weights: dict[str, np.ndarray], dtype: torch.dtype, adam_state: dict | None = None, step: int = 0):
        self.cfg, self.dtype = cfg, dtype
        self.trained = TRAINED[cfg.arch]
        self.params = [torch.nn.Parameter(torch.tensor(weights[name], dtype=dtype)) for name in self.trained]
        self.w_enc, self.b_enc, self.w_dec, self.b_dec = self.params[:4]
        self.log_threshold = self.params[4] if cfg.arch == "jumprelu" else None
        # BatchTopK's inference threshold: a statistic, not a parameter
        self.threshold = torch.tensor(weights["threshold"], dtype=dtype) if cfg.arch == "batchtopk" else None
        self.opt = torch.optim.Adam(self.params, lr=cfg.lr, betas=(0.9, 0.999), eps=1e-8)
        if adam_state is not None:
            for name, p in zip(self.trained, self.params):
                self.opt.state[p] = {
                    "step": torch.tensor(float(step)),
                    "exp_avg": torch.tensor(adam_state["exp_avg." + name], dtype=dtype),
                    "exp_avg_sq": torch.tensor(adam_state["exp_avg_sq." + name], dtype=dtype),
                }
        self.max_active = 0  # ReLU: largest active count of a row in the last batch
        self.clipped = 0     # steps whose gradient norm exceeded the clip
        self.masks: dict[str, np.ndarray] = {}  # the last forward's discrete decisions, [B, n] bools
        self.stats: dict[str, float] = {}       # and some numbers about them
        self.min_kept = None                    # BatchTopK: the smallest kept activation of the last batch
        self.last_pre = self.last_theta = None  # BatchTopK, JumpReLU: the last forward's pre-activations and thresholds

    def loss(self, x: torch.Tensor, s: int, force: Force | None = None) -> torch.Tensor:
        cfg = self.cfg
        if cfg.arch in UNIT_DECODER:
            pre = torch.relu((x - self.b_dec) @ self.w_enc.T + self.b_enc)
            if cfg.arch == "topk":
                vals, idx = pre.topk(cfg.k, dim=1, sorted=False)
                acts = torch.zeros_like(pre).scatter(1, idx, vals)
            else:  # BatchTopK: the k B largest entries of the whole [B, n] matrix
                count = cfg.k * x.shape[0]
                vals, idx = pre.flatten().topk(count, sorted=False)
                if force:
                    kept = torch.zeros(pre.numel(), dtype=torch.bool)
                    kept[idx] = True
                    kept = forced(kept, force.get("kept"))
                    idx = kept.nonzero().flatten()
                    vals = pre.flatten()[idx]
                acts = torch.zeros_like(pre.flatten()).scatter(0, idx, vals).view_as(pre)
                self.batch_stats(pre.detach(), vals.detach(), idx, count)
            x_hat = acts @ self.w_dec + self.b_dec
            total_variance = (x - x.mean(0)).pow(2).sum()
            return (x_hat - x).pow(2).sum() / total_variance
        if cfg.arch == "jumprelu":
            pre = (x - self.b_dec) @ self.w_enc.T + self.b_enc
            theta = torch.exp(self.log_threshold)
            f = JumpReLUFn.apply(pre, theta, cfg.bandwidth, force)
            x_hat = f @ self.w_dec + self.b_dec
            mse = (x_hat - x).pow(2).sum(-1).mean()
            l0 = StepFn.apply(pre, theta, cfg.bandwidth, force).sum(-1)
            lam = cfg.l0 * l1_factor(s, cfg.l0_warmup)
            self.jump_stats(pre.detach(), theta.detach(), f, lam, force or {})
            return mse + (lam * l0).mean()
        f = torch.relu((x - self.b_dec) @ self.w_enc.T + self.b_enc)
        self.max_active = int((f > 0).sum(1).max())
        x_hat = f @ self.w_dec + self.b_dec
        mse = (x_hat - x).pow(2).sum(-1).mean()
        sparsity = (f * self.w_dec.norm(dim=1)).norm(p=1, dim=-1)
        return mse + cfg.l1 * l1_factor(s, cfg.l1_warmup) * sparsity.mean()

    def batch_stats(self, pre: torch.Tensor, vals: torch.Tensor, idx: torch.Tensor, count: int) -> None:
        """The kept set, the smallest kept activation (dictionary_learning's threshold input) and the gap at the cut."""
        positive = vals[vals > 0]
        self.min_kept = positive.min() if positive.numel() else torch.zeros((), dtype=self.dtype)
        kept = np.zeros(pre.numel(), dtype=bool)
        kept[idx.numpy()[vals.numpy() > 0]] = True
        self.masks = {"kept": kept.reshape(pre.shape)}
        self.last_pre = pre
        top = pre.flatten().topk(count + 1).values  # sorted: the cut is between top[-2] and top[-1]
        self.stats = {"positive": float((pre > 0).sum()), "kept": float(positive.numel()),
                      "cut_gap": float((top[-2] - top[-1]) / top[-2]) if float(top[-2]) > 0 else math.inf}

    def jump_stats(self, pre: torch.Tensor, theta: torch.Tensor, f: torch.Tensor, lam: float, force: Force) -> None:
        """Active (pre > thr) and window ((pre - thr) / eps in (-1/2, 1/2)) sets; distances to those edges; the thr gradient's two parts."""
        eps = self.cfg.bandwidth
        active = forced(pre > theta, force.get("active"))
        window = forced((((pre - theta) / eps) > -0.5) & (((pre - theta) / eps) < 0.5), force.get("window"))
        self.masks = {"active": active.numpy(), "window": window.numpy()}
        self.last_pre, self.last_theta = pre, theta
        scale = float(pre.abs().max())
        self.stats = {"active": float(active.sum()), "window": float(window.sum()),
                      # smallest distance of a pre to the threshold and to the window's edges, relative to max|pre|
                      "margin_thr": float((pre - theta).abs().min()) / scale,
                      "margin_win": float(((pre - theta).abs() - eps / 2).abs().min()) / scale,
                      "l0_part": float(window.sum(0).to(pre).norm() * (lam / pre.shape[0] / eps))}
        if f.requires_grad:  # the JumpReLU part of d loss / d thr needs df, known in backward
            def hook(g):
                jump = (-(theta / eps) * window.to(g) * g).sum(0)
                self.stats["jump_part"] = float(jump.norm())
            f.register_hook(hook)

    def update_threshold(self, s: int) -> None:
        """BatchTopK (dictionary_learning's update_threshold): from step start + 1 on, in the run's dtype."""
        start = self.cfg.threshold_start
        if s <= start:
            return
        m = self.min_kept
        if s == start + 1:
            self.threshold = torch.full_like(self.threshold, float(m))
        else:
            self.threshold = 0.999 * self.threshold + (1 - 0.999) * m

    def step(self, x_np: np.ndarray, s: int, force: Force | None = None) -> None:
        cfg = self.cfg
        x = torch.tensor(x_np, dtype=self.dtype)
        self.opt.zero_grad(set_to_none=False)
        self.loss(x, s, force).backward()
        if cfg.arch in UNIT_DECODER:
            with torch.no_grad():  # sparsify: remove_gradient_parallel_to_decoder_directions
                parallel = (self.w_dec.grad * self.w_dec).sum(1, keepdim=True)
                self.w_dec.grad -= parallel * self.w_dec
        if cfg.clip is not None:
            norm = float(torch.nn.utils.clip_grad_norm_(self.params, cfg.clip))
            self.clipped += norm > cfg.clip
        for group in self.opt.param_groups:
            group["lr"] = cfg.lr * lr_factor(s, cfg.warmup, cfg.steps, cfg.decay)
        self.opt.step()
        if cfg.arch in UNIT_DECODER:
            with torch.no_grad():  # sparsify: set_decoder_norm_to_unit_norm
                self.w_dec /= self.w_dec.norm(dim=1, keepdim=True) + F32_EPS
        if cfg.arch == "batchtopk":
            self.update_threshold(s)

    def moments(self) -> dict[str, np.ndarray]:
        return {name: self.opt.state[p]["exp_avg"].numpy().astype(np.float64) for name, p in zip(self.trained, self.params)}

    def weights(self) -> dict[str, np.ndarray]:
        out = {name: p.detach().numpy().astype(np.float64) for name, p in zip(self.trained, self.params)}
        if self.cfg.arch == "batchtopk":
            out["threshold"] = self.threshold.numpy().astype(np.float64)
        if self.cfg.arch == "jumprelu":
            out["threshold"] = torch.exp(self.log_threshold.detach()).numpy().astype(np.float64)
        return out


# --------------------------------------------------------------------------------------- comparing

def errors(ours: dict[str, np.ndarray], ref: dict[str, np.ndarray], names: list[str]) -> dict[str, tuple[float, float]]:
    """Per tensor: (max|ours - ref| / max|ref|, max|ours - ref|)."""
    out = {}
    for name in names:
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
    if cfg.arch in ("topk", "batchtopk"):
        cmd += ["--k", str(cfg.k)]
    if cfg.arch == "batchtopk":
        cmd += ["--threshold-start-step", str(cfg.threshold_start)]
    if cfg.arch == "relu":
        cmd += ["--l1", repr(cfg.l1), "--l1-warmup-steps", str(cfg.l1_warmup)]
    if cfg.arch == "jumprelu":
        cmd += ["--l0", repr(cfg.l0), "--l0-warmup-steps", str(cfg.l0_warmup),
                "--jumprelu-bandwidth", repr(cfg.bandwidth), "--jumprelu-init-threshold", repr(cfg.init_threshold)]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{cfg.name}: sae train failed ({done.returncode}):\n{' '.join(cmd)}\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - t0


def checkpoint(out: Path, step: int) -> Path:
    return out / "seed0" / "checkpoints" / f"step-{step:09d}"


def read_ours(cfg: Config, out: Path, s: int) -> dict[str, np.ndarray]:
    """Our checkpoint s as float32 arrays. A JumpReLU checkpoint's sae.safetensors holds threshold =
    exp(log_threshold); log_threshold itself is in its state.safetensors (checkpoints written before that
    was kept lack it: then log(threshold), at step 0 exactly our (float)Math.Log(init), later within an ulp)."""
    w = read_safetensors(checkpoint(out, s) / "sae.safetensors")
    if cfg.arch == "jumprelu":
        state = read_safetensors(checkpoint(out, s) / "state.safetensors")
        if "log_threshold" in state:
            w["log_threshold"] = state["log_threshold"]
        else:
            w["log_threshold"] = (np.full(cfg.n, np.float32(math.log(cfg.init_threshold))) if s == 0
                                  else np.log(w["threshold"].astype(np.float64)).astype(np.float32))
    return w


def flips(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> dict[str, int]:
    """Per decision (kept; active, window): how many (b, i) two forwards decided differently."""
    return {k: int((a[k] != b[k]).sum()) for k in a}


def single_gradient(state: dict[str, np.ndarray], moments: dict[str, np.ndarray], names: list[str]) -> dict[str, np.ndarray]:
    """g = (m_s - b1 m_{s-1}) / (1 - b1): the gradient of one step from its first moments before and after."""
    return {n: (moments[n].astype(np.float64) - 0.9 * state["exp_avg." + n].astype(np.float64)) / 0.1 for n in names}


def one_step(cfg: Config, weights: dict, state: dict, s: int, x: np.ndarray, dtype: torch.dtype, force: Force | None = None):
    """One torch step from our checkpoint s (weights + Adam moments); returns the model and the gradient it saw."""
    t = TorchSae(cfg, weights, dtype, adam_state=state, step=s)
    t.step(x, s, force)
    return t, single_gradient(state, t.moments(), t.trained)


# Our gradient is torch float64's to ~1e-6 of its largest element (g32~g64 is as far); a latent whose gradient rows
# are off by more than this was decided differently (a JumpReLU pre on the other side of thr or of a window edge,
# a BatchTopK entry on the other side of the cut), or it is a genuine mismatch.
SUSPECT = 3e-5


def grad_error(g: dict, ref: dict) -> float:
    return max(rel for rel, _ in errors(g, ref, list(ref)).values())


def suspects(g: dict, ref: dict, n: int) -> np.ndarray:
    """Latents whose gradient (W_enc and W_dec rows, b_enc, log_threshold) is off by more than SUSPECT of the tensor's largest element."""
    dev = np.zeros(n)
    for name in ref:
        if name == "b_dec":
            continue
        diff = np.abs(g[name] - ref[name]) / max(float(np.abs(ref[name]).max()), 1e-300)
        dev = np.maximum(dev, diff.max(axis=1) if diff.ndim == 2 else diff)
    return np.nonzero(dev > SUSPECT)[0]


def candidates(cfg: Config, ref: TorchSae, base: TorchSae, latents: np.ndarray, per_kind: int = 4) -> list[tuple[str, dict, str]]:
    """Single decisions at a boundary that our C# may have taken the other way: (label, force, margin text), nearest first.
    Distances from ref (float64, our checkpoint); the flipped decision is the opposite of base's (torch float32)."""
    pre = ref.last_pre.numpy()
    n = pre.shape[1]
    cols = latents if latents.size else np.arange(n)
    out = []
    if cfg.arch == "jumprelu":
        theta = ref.last_theta.numpy()
        dist = {"active": np.abs(pre - theta), "window": np.abs(np.abs(pre - theta) - cfg.bandwidth / 2)}
        for kind, d in dist.items():
            sub = d[:, cols]
            for flat in np.argsort(sub, axis=None)[:per_kind]:
                b, j = divmod(int(flat), cols.size)
                i = int(cols[j])
                value = not bool(base.masks[kind][b, i])
                ulp = float(np.spacing(np.float32(theta[i] if kind == "active" else cfg.bandwidth / 2)))
                out.append((f"{kind} (b={b}, i={i}) -> {value}",
                            {kind: (torch.tensor([b * n + i]), torch.tensor([value]))},
                            f"|pre - thr{'' if kind == 'active' else ' -+ eps/2'}| = {float(sub[b, j]):.2g} = {float(sub[b, j]) / ulp:.2g} ulp"))
        return out
    # BatchTopK: swap a kept entry near the cut with an unkept one near it
    flat = pre.flatten()
    kept = base.masks["kept"].flatten()
    in_cols = np.isin(np.arange(flat.size) % n, cols)
    near_kept = [int(j) for j in np.argsort(np.where(kept & in_cols, flat, np.inf))[:3] if kept[j]]
    near_out = [int(j) for j in np.argsort(np.where(~kept & in_cols, -flat, np.inf))[:3] if not kept[j]]
    for k in near_kept:
        for o in near_out:
            ulp = float(np.spacing(np.float32(flat[k])))
            out.append((f"kept (b={k // n}, i={k % n}) <-> (b={o // n}, i={o % n})",
                        {"kept": (torch.tensor([k, o]), torch.tensor([False, True]))},
                        f"values {flat[k]:.6g} / {flat[o]:.6g}, {abs(flat[k] - flat[o]) / ulp:.2g} ulp apart"))
    return out


def merge_force(a: Force, b: Force) -> Force:
    out = dict(a)
    for k, (idx, val) in b.items():
        out[k] = (torch.cat([a[k][0], idx]), torch.cat([a[k][1], val])) if k in a else (idx, val)
    return out


def attribute_flips(cfg: Config, weights: dict, state: dict, s: int, x: np.ndarray, g_ours: dict, ref: TorchSae, base: TorchSae,
                    g_base: dict) -> tuple[Force, list[str], float]:
    """Greedy: flip the boundary decision that brings torch float32's gradient closest to ours, while that divides the
    gradient error by 10 or more and it is above SUSPECT; at most 3. Returns the force, what it flipped, and the error left."""
    force: Force = {}
    found = []
    err = grad_error(g_base, g_ours)
    pool = candidates(cfg, ref, base, suspects(g_ours, g_base, cfg.n))
    for _ in range(3):
        if err <= SUSPECT or not pool:
            break
        best = None
        for c in pool:
            _, g = one_step(cfg, weights, state, s, x, torch.float32, merge_force(force, c[1]))
            e = grad_error(g, g_ours)
            if best is None or e < best[0]:
                best = (e, c)
        if best[0] > err / 10:
            break
        err, (label, f, margin) = best[0], best[1]
        force = merge_force(force, f)
        found.append(f"{label} ({margin})")
        pool = [c for c in pool if c[0] != label]
    return force, found, err


def crosscheck(cfg: Config, dll: Path, work: Path, verbose: bool) -> dict:
    data = make_data(cfg.rows, cfg.d, seed=cfg.d)
    suffix = "" if cfg.scale == 1 else f"-x{cfg.scale:g}"
    if cfg.scale != 1:
        data = (data * np.float32(cfg.scale)).astype(np.float32)
    data_file = work / f"data-{cfg.rows}x{cfg.d}{suffix}.npy"
    if not data_file.exists():
        np.save(data_file, data)
    out = work / cfg.name
    cs_seconds = run_ours(dll, cfg, data_file, out)
    names, trained = COMPARED[cfg.arch], TRAINED[cfg.arch]

    t0 = time.perf_counter()
    raw = [read_ours(cfg, out, s) for s in range(cfg.steps + 1)]
    ours = [{k: v.astype(np.float64) for k, v in w.items()} for w in raw]
    t32 = TorchSae(cfg, raw[0], torch.float32)
    t64 = TorchSae(cfg, raw[0], torch.float64)
    exp_mismatch = 0
    if cfg.arch == "jumprelu":  # our step-0 threshold is MathF.Exp of (float)Math.Log(init); torch's exp of the same float
        exp_mismatch = int((t32.weights()["threshold"] != ours[0]["threshold"]).sum())
    free, one, noise, vs64, grad, grad_noise = {}, {}, {}, {}, {}, {}
    sparse_steps = 0
    flips_one, flips_free, steps_one, steps_free = {}, {}, [], []
    step_stats, attributed, unexplained = [], [], []
    for s in range(cfg.steps):
        x = batch_rows(data, s, cfg.batch)
        # one step from our own state (weights + Adam moments) at s
        state = read_safetensors(checkpoint(out, s) / "state.safetensors")
        single, g32 = one_step(cfg, raw[s], state, s, x, torch.float32)
        single64, g64 = one_step(cfg, raw[s], state, s, x, torch.float64)
        # the gradient Adam saw (after projection and clipping), from exp_avg = b1 m + (1 - b1) g
        state_next = read_safetensors(checkpoint(out, s + 1) / "state.safetensors")
        g_ours = single_gradient(state, {n: state_next["exp_avg." + n] for n in trained}, trained)
        force = None
        if single64.masks and grad_error(g_ours, g64) > SUSPECT:
            # our gradient is off in a few latents: find the boundary decisions our float32 took the other way, then let
            # every torch run of this step (one-step and free run) take them as ours did
            before = (max(v[0] for v in errors(ours[s + 1], single.weights(), names).values()), grad_error(g_ours, g64))
            force, found, left = attribute_flips(cfg, raw[s], state, s, x, g_ours, single64, single, g32)
            if found:
                attributed.append(dict(step=s + 1, flips=found, one_step=before[0], grad=before[1], grad_left=left))
                single, g32 = one_step(cfg, raw[s], state, s, x, torch.float32, force)
                single64, g64 = one_step(cfg, raw[s], state, s, x, torch.float64, force)
            if not found or left > SUSPECT:
                unexplained.append(dict(step=s + 1, grad=grad_error(g_ours, g64)))
        t32.step(x, s, force)
        t64.step(x, s, force)
        if cfg.arch == "relu" and max(t32.max_active, 1) * 8 <= cfg.n:
            sparse_steps += 1  # ReluL1Model.SparseDensityLimit: the C# sparse path ran this step
        w32, w64 = t32.weights(), t64.weights()
        e_free, e_one = errors(ours[s + 1], w32, names), errors(ours[s + 1], single.weights(), names)
        e_noise, e_64 = errors(w32, w64, names), errors(ours[s + 1], w64, names)
        e_grad, e_grad_noise = errors(g_ours, g64, trained), errors(g32, g64, trained)
        for acc, e in ((free, e_free), (one, e_one), (noise, e_noise), (vs64, e_64), (grad, e_grad), (grad_noise, e_grad_noise)):
            merge(acc, e)
        f_one = f_free = {}
        if single64.masks:
            # discrete decisions from our checkpoint s: torch float32 vs float64 (float32 rounding decides these
            # (b, i), so our C# may have decided them either way), and the torch float32 free run vs ours
            f_one, f_free = flips(single.masks, single64.masks), flips(t32.masks, single64.masks)
            for acc, f, steps in ((flips_one, f_one, steps_one), (flips_free, f_free, steps_free)):
                for k, v in f.items():
                    acc[k] = acc.get(k, 0) + v
                if any(f.values()):
                    steps.append(s + 1)
            step_stats.append(single64.stats)
        if verbose:
            line = " ".join(f"{SHORT[n]} {e_free[n][0]:.1e}/{e_one[n][0]:.1e}/{e_noise[n][0]:.1e}/"
                            + (f"{e_grad[n][0]:.1e}" if n in e_grad else "-") for n in names)
            print(f"  {cfg.name} step {s + 1:3d}  rel free/one-step/t32~t64/grad: {line}")
            pad = " " * (len(cfg.name) + 12)
            if single64.masks:
                st = single64.stats
                if cfg.arch == "batchtopk":
                    desc = (f"positive {st['positive']:.0f}, kept {st['kept']:.0f}, gap at the cut {st['cut_gap']:.1e} (relative), "
                            f"min kept {float(single64.min_kept):.4g}, thr {float(single64.threshold[0]):.4g}")
                else:
                    desc = (f"(b,i) in window {st['window']:.0f}/{cfg.batch * cfg.n}, active {st['active']:.0f}; "
                            f"|d thr| jump {st.get('jump_part', 0):.2e} + L0 {st['l0_part']:.2e}; "
                            f"min |pre-thr| {st['margin_thr']:.1e}, min ||pre-thr|-eps/2| {st['margin_win']:.1e} (x max|pre|)")
                print(f"  {pad}{desc}; flips t32~t64 {f_one}, free run {f_free}")
            if attributed and attributed[-1]["step"] == s + 1:
                a = attributed[-1]
                print(f"  {pad}our float32 decided differently: {'; '.join(a['flips'])}; before aligning: one-step {a['one_step']:.1e}, "
                      f"grad {a['grad']:.1e}; grad left {a['grad_left']:.1e}")
    # the float32 eps in W_dec /= (norm + eps) is below the weights' noise, so check it on its own:
    # after the step every row norm is 1/(1 + eps) ~ 1 - eps, visible in the mean over rows
    eps_shift = None
    if cfg.arch in UNIT_DECODER:
        eps_shift = float(np.mean([np.linalg.norm(ours[s]["W_dec"], axis=1).mean() - 1 for s in range(1, cfg.steps + 1)]))
    theta_final = float(ours[-1]["threshold"].mean()) if "threshold" in names else None
    return dict(cfg=cfg, names=names, trained=trained, free=free, one=one, noise=noise, vs64=vs64, grad=grad,
                grad_noise=grad_noise, eps_shift=eps_shift, sparse_steps=sparse_steps, clipped=t32.clipped,
                flips_one=flips_one, flips_free=flips_free, steps_one=steps_one, steps_free=steps_free,
                step_stats=step_stats, exp_mismatch=exp_mismatch, theta_final=theta_final,
                attributed=attributed, unexplained=unexplained,
                cs_seconds=cs_seconds, torch_seconds=time.perf_counter() - t0)


def notes(r: dict) -> str:
    cfg = r["cfg"]
    out = [f"clip bit on {r['clipped']}/{cfg.steps} steps"] if cfg.clip is not None else []
    if r["eps_shift"] is not None:
        out.append(f"W_dec mean(|row| - 1) = {r['eps_shift']:.3g} (-eps = {-F32_EPS:.3g})")
    if cfg.arch == "relu":
        out.append(f"sparse ReLU path on {r['sparse_steps']}/{cfg.steps}")
    st = r["step_stats"]
    if cfg.arch == "batchtopk":
        out.append(f"thr measured from step {cfg.threshold_start + 2} on (final {r['theta_final']:.4g}); "
                   f"min relative gap at the cut {min(x['cut_gap'] for x in st):.1e}")
    if cfg.arch == "jumprelu":
        win = [x["window"] for x in st]
        act = [x["active"] for x in st]
        out.append(f"(b,i) in the window per step {min(win):.0f}-{max(win):.0f} of {cfg.batch * cfg.n}, "
                   f"above thr {min(act):.0f}-{max(act):.0f}; final mean thr {r['theta_final']:.4g}")
        if r["exp_mismatch"]:
            out.append(f"torch exp(log_threshold) at step 0 differs from our threshold on {r['exp_mismatch']} latents")
    if r["flips_one"]:
        out.append(f"decisions differing t32~t64 from our checkpoints {r['flips_one']} (steps {r['steps_one'] or '-'}), "
                   f"free run vs ours {r['flips_free']} (steps {r['steps_free'] or '-'})")
        out.append(f"our float32 decided {sum(len(a['flips']) for a in r['attributed'])} (b,i) the other way"
                   + (f" (steps {[a['step'] for a in r['attributed']]})" if r["attributed"] else ""))
    return ", ".join(out)


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
            print(f"{cfg.name:24s} {cfg.describe():62s} C# {r['cs_seconds']:4.1f}s  torch {r['torch_seconds']:4.1f}s  " + notes(r))
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)

    print("\nmax over all steps of max|a - b| / max|b| per tensor (W_enc b_enc W_dec b_dec, threshold, log_threshold), or the max over tensors")
    print("  ours~t32  free run: our weights vs torch float32, both from our step 0 (pass/fail, with one-step)")
    print("  max abs   free run: largest max|ours - torch float32| of any tensor")
    print("  one-step  our weights at s+1 vs one torch float32 step from our checkpoint s (weights + Adam moments)")
    print("  grad      the gradient Adam saw at step s (after projection/clip; ours from exp_avg) vs torch float64's,")
    print("            both from our checkpoint s; g32~g64 is torch float32's distance, the float32 noise floor")
    print("  t32~t64   free run, torch float32 vs torch float64 (weight noise floor); ours~t64 the same for ours")
    print("  thr       BatchTopK's inference threshold / JumpReLU's exp(log_threshold); logthr JumpReLU's log_threshold")
    print("            (ours = log of our threshold: checkpoints do not hold log_threshold)")
    hdr = (f"{'config':24s} {'steps':>5s} | {'ours~t32 (free run)':^59s} | {'max abs':>7s} | {'one-step':>8s} | "
           f"{'grad':>7s} | {'g32~g64':>7s} | {'t32~t64':>7s} | {'ours~t64':>8s} | ok")
    print(hdr)
    print(f"{'':24s} {'':5s} | " + " ".join(f"{SHORT[n]:>9s}" for n in NAMES + EXTRA) + " |")
    print("-" * len(hdr))
    failed = []

    def worst(r, key):
        return max(v[0] for v in r[key].values())

    def cell(r, key, n):
        return f"{r[key][n][0]:9.1e}" if n in r[key] else f"{'-':>9s}"

    for r in results:
        cfg = r["cfg"]
        ok = max(worst(r, "free"), worst(r, "one")) <= args.tol
        if r["eps_shift"] is not None and abs(r["eps_shift"] + F32_EPS) > 0.25 * F32_EPS:
            ok = False
            print(f"{cfg.name}: W_dec rows are not renormalised with norm + float32 eps (mean |row| - 1 = {r['eps_shift']:.3g})")
        if r["unexplained"]:
            ok = False
        if not ok:
            failed.append(cfg.name)
        print(f"{cfg.name:24s} {cfg.steps:5d} | " + " ".join(cell(r, "free", n) for n in NAMES + EXTRA)
              + f" | {max(v[1] for v in r['free'].values()):7.1e} | {worst(r, 'one'):8.1e} | {worst(r, 'grad'):7.1e}"
              + f" | {worst(r, 'grad_noise'):7.1e} | {worst(r, 'noise'):7.1e} | {worst(r, 'vs64'):8.1e} | {'yes' if ok else 'NO'}")

    print("\nper tensor, max over steps: one-step (ours vs one torch float32 step) / grad (ours vs torch float64)")
    print(f"{'config':24s} | " + " ".join(f"{SHORT[n]:>17s}" for n in NAMES + EXTRA))
    for r in results:
        print(f"{r['cfg'].name:24s} | " + " ".join(
            (f"{r['one'][n][0]:8.1e}/" + (f"{r['grad'][n][0]:8.1e}" if n in r["grad"] else f"{'-':>8s}")) if n in r["one"] else f"{'-':>17s}"
            for n in NAMES + EXTRA))
    flipped = [(r["cfg"].name, a) for r in results for a in r["attributed"]]
    if flipped:
        print("\nboundary decisions our float32 took the other way from torch float32 (found from our gradient; the torch runs")
        print("of that step then took our decision, so the rows above measure the arithmetic around them):")
        for name, a in flipped:
            print(f"  {name} step {a['step']}: {'; '.join(a['flips'])}")
            print(f"  {'':{len(name)}s} with torch's own decision: one-step {a['one_step']:.1e}, grad {a['grad']:.1e}; "
                  f"with ours: grad {a['grad_left']:.1e}")
    for r in results:
        for u in r["unexplained"]:
            print(f"{r['cfg'].name} step {u['step']}: our gradient is off by {u['grad']:.1e} (relative) and no boundary decision explains it")
    print(f"\n{len(results)} configurations, {time.perf_counter() - t0:.1f}s in all")
    if failed:
        print(f"FAILED (relative error > {args.tol:g}, or as said above): {', '.join(failed)}")
        return 1
    print(f"all within {args.tol:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
