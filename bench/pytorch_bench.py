#!/usr/bin/env python3
"""PyTorch's side of mishbench's throughput comparison (submit-scripts/bench.sh, issue 8).

Trains one model on one random minibatch, exactly as `mishbench bench-train` does (or, with `--inference`,
evaluates it as `bench-train --inference` does: eval mode, forward only under torch.no_grad()): the same input
(uniform [0, 1), NCHW float32), labels i % classes, softmax cross-entropy, SGD with Nesterov momentum
0.9, learning rate 0.01, weight decay 5e-4, `--warmup` untimed steps then `--steps` timed ones, on
`--threads` intra-op threads (default: every core, as ND4J uses). Prints one JSON line with the same
field names as bench-train (images_per_sec, step_ms, params) plus peak_rss_mb.

Models:
  resnet50      torchvision's ResNet-50 (v1.5) with every ReLU replaced by the activation;
  cspresnext50  CSPResNeXt-50 built the way mishbench's CspResNetFamily builds it from
                WongKinYiu/CrossStagePartialNetworks' csresnext50.cfg: the same layers, widths, groups,
                shortcuts and route order, so the same 20,499,136 convolution and classifier weights.

`--count` prints the parameter counts and exits (the bench checks them against `mishbench models`).
"""
import argparse
import json
import resource
import sys
import time

import torch
import torch.nn as nn
import torchvision


def activation(name):
    if name == "mish":
        return nn.Mish(inplace=True)
    if name == "swish":
        return nn.SiLU(inplace=True)
    if name == "leakyrelu":
        return nn.LeakyReLU(0.1, inplace=True)  # Darknet's slope, as mishbench's leakyrelu
    if name == "relu":
        return nn.ReLU(inplace=True)
    raise SystemExit(f"unknown activation {name!r}: mish, swish, leakyrelu or relu")


def conv_bn(cin, cout, kernel, stride=1, groups=1, act=None):
    """Convolution without bias (padding kernel // 2), batch norm, then the activation if given."""
    layers = [nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    if act is not None:
        layers.append(activation(act))
    return nn.Sequential(*layers)


def groups(cin, cout, cardinality=32):
    """mishbench's ResidualParts.groups: the largest divisor of both up to the cardinality."""
    for g in range(min(cardinality, cin, cout), 1, -1):
        if cin % g == 0 and cout % g == 0:
            return g
    return 1


class Bottleneck(nn.Module):
    """1x1, grouped 3x3, linear 1x1 plus a parameter-free shortcut added to the first channels (Darknet)."""

    def __init__(self, cin, hidden, cout, act):
        super().__init__()
        self.a = conv_bn(cin, hidden, 1, act=act)
        self.b = conv_bn(hidden, hidden, 3, groups=groups(hidden, hidden), act=act)
        self.c = conv_bn(hidden, cout, 1)
        self.cin = cin
        self.out = activation(act)

    def forward(self, x):
        y = self.c(self.b(self.a(x)))
        if self.cin == y.shape[1]:
            y = y + x
        else:  # zero-padded shortcut: added to the first cin channels only
            y = torch.cat([y[:, : self.cin] + x, y[:, self.cin:]], 1)
        return self.out(y)


class CspStage(nn.Module):
    def __init__(self, cin, partial, blocks, first, act):
        super().__init__()
        hidden = partial
        self.down = None if first else conv_bn(cin, hidden, 3, 2, groups(cin, hidden), act)
        x_channels = cin if first else hidden
        linear = not first and partial in (256, 512)  # stages 2 and 3 are linear in the cfg
        a = None if linear else act
        self.cross = conv_bn(x_channels, partial, 1, act=a)
        channels = 64 if first else partial
        self.main = conv_bn(x_channels, channels, 1, act=a)
        body = []
        for _ in range(blocks):
            body.append(Bottleneck(channels, hidden, partial, act))
            channels = partial
        self.blocks = nn.Sequential(*body)
        self.trans = conv_bn(partial, partial, 1, act=act)
        self.fuse = conv_bn(2 * partial, 2 * partial, 1, act=act)

    def forward(self, x):
        if self.down is not None:
            x = self.down(x)
        cross = self.cross(x)
        y = self.trans(self.blocks(self.main(x)))
        return self.fuse(torch.cat([y, cross], 1))


class CspResNeXt50(nn.Module):
    def __init__(self, act, classes):
        super().__init__()
        self.stem = nn.Sequential(conv_bn(3, 64, 7, 2, act=act), nn.MaxPool2d(2, 2))
        stages, cin = [], 64
        for s, (partial, blocks) in enumerate(zip((128, 256, 512, 1024), (3, 3, 5, 2))):
            stages.append(CspStage(cin, partial, blocks, s == 0, act))
            cin = 2 * partial
        self.stages = nn.Sequential(*stages)
        self.head = nn.Linear(cin, classes)

    def forward(self, x):
        x = self.stages(self.stem(x))
        return self.head(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


def replace_relu(module, act):
    for name, child in module.named_children():
        if isinstance(child, nn.ReLU):
            setattr(module, name, activation(act))
        else:
            replace_relu(child, act)
    return module


def build(model, act, classes):
    if model == "resnet50":
        return replace_relu(torchvision.models.resnet50(num_classes=classes), act)
    if model == "cspresnext50":
        return CspResNeXt50(act, classes)
    raise SystemExit(f"unknown model {model!r}: resnet50 or cspresnext50")


def counts(net):
    """Trainable parameters (weights, biases, BN gamma/beta) and weights (convolution and linear weights)."""
    trainable = sum(p.numel() for p in net.parameters())
    weights = sum(m.weight.numel() for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear)))
    return trainable, weights


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", required=True)
    p.add_argument("--activation", default="mish")
    p.add_argument("--resolution", type=int, default=224)
    p.add_argument("--classes", type=int, default=1000)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--threads", type=int, default=0, help="intra-op threads (default: every core)")
    p.add_argument("--channels-last", action="store_true", help="NHWC memory format")
    p.add_argument("--count", action="store_true", help="print the parameter counts and exit")
    p.add_argument("--inference", action="store_true",
                   help="time evaluation instead: eval mode, the forward pass under torch.no_grad()")
    a = p.parse_args()
    if a.batch < 1 or a.steps < 1 or a.warmup < 0:
        raise SystemExit("--batch and --steps must be >= 1 and --warmup >= 0")
    torch.manual_seed(1)
    net = build(a.model, a.activation, a.classes)
    trainable, weights = counts(net)
    if a.count:
        print(json.dumps({"model": a.model, "trainable": trainable, "weights": weights}))
        return 0
    import os
    threads = a.threads or len(os.sched_getaffinity(0))
    torch.set_num_threads(threads)
    x = torch.rand(a.batch, 3, a.resolution, a.resolution)
    y = torch.arange(a.batch) % a.classes
    if a.channels_last:
        net = net.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, nesterov=True, weight_decay=5e-4)
    loss_fn = nn.CrossEntropyLoss()
    net.train()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    if a.inference:
        net.eval()

        def step():  # noqa: F811 (evaluation replaces the training step)
            with torch.no_grad():
                return loss_fn(net(x), y).item()

    for _ in range(a.warmup):
        step()
    start = time.perf_counter()
    for _ in range(a.steps):
        loss = step()
    seconds = time.perf_counter() - start
    print(json.dumps({
        "framework": "pytorch", "torch": torch.__version__, "model": a.model, "activation": a.activation,
        "resolution": a.resolution, "batch": a.batch, "steps": a.steps, "params": trainable, "weights": weights,
        "images_per_sec": round(a.batch * a.steps / seconds, 2), "step_ms": round(1000 * seconds / a.steps, 2),
        "threads": threads, "channels_last": a.channels_last, "inference": a.inference, "loss": loss,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
