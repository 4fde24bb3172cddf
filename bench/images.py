"""Benchmark image uploads: the time and memory one post's pictures cost to check and resize.

    .venv/bin/python bench/images.py              # about a minute
    .venv/bin/python bench/images.py --prepare other.py:prepare
                                                  # the same cases through another implementation

Cases: a baseline (one 600 x 400 JPEG), the worst uploads msg accepts (four 16 MP pictures, PNG
or JPEG, each with EXIF orientation 6) and the upload from the report (four 151 KB PNGs of
6324 x 6324 with orientation 6), which is now refused. Each goes through post_create's image
step (posts.services._prepare_images), in a fresh interpreter per measure:

- time: the median of --repeat runs, with the default allocator;
- memory: how far the resident set rises above where it stood before the run (VmHWM after
  resetting it, Linux only), in a run where malloc serves large blocks from mmap, so freed
  memory leaves the resident set and the peak counts live memory. tracemalloc would not do:
  Pillow allocates its pixels with malloc, which tracemalloc does not see.

--prepare FILE:FUNCTION measures another function with the same contract (a list of
posts.services.ImageUpload in, anything out), such as the code before a change.
"""

import argparse
import importlib.util
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parent.parent

# name -> (what, file name, count, size, format, mode); "flat" is a two-colour RGB picture.
CASES = {
    "baseline": ("one 600x400 JPEG", "small.jpg", 1, (600, 400), "JPEG", "RGB"),
    "png-limit": ("four 4000x4000 RGBA PNGs", "limit.png", 4, (4000, 4000), "PNG", "RGBA"),
    "jpeg-limit": ("four 4000x4000 progressive JPEGs", "limit.jpg", 4, (4000, 4000), "JPEG", "RGB"),
    "report": ("four flat 6324x6324 RGB PNGs", "report.png", 4, (6324, 6324), "PNG", "flat"),
}


def make_picture(size: tuple[int, int], fmt: str, mode: str) -> bytes:
    """Encode a textured picture (a fractal, gradients, grain) with EXIF orientation 6."""
    fractal = Image.effect_mandelbrot(size, (-2.2, -1.5, 1.0, 1.5), 60)
    if mode == "flat":
        picture = fractal.convert("1", dither=Image.Dither.NONE).convert("RGB")
    else:
        across = Image.linear_gradient("L").rotate(90).resize(size)
        down = Image.linear_gradient("L").resize(size)
        grain = Image.effect_noise(size, 16)
        bands = {"RGB": (fractal, across, grain), "RGBA": (fractal, across, down, down)}
        picture = Image.merge(mode, bands[mode])
    exif = Image.Exif()
    exif[0x0112] = 6
    out = BytesIO()
    options = {"quality": 90, "progressive": True} if fmt == "JPEG" else {}
    picture.save(out, fmt, exif=exif.tobytes(), **options)
    return out.getvalue()


def _status_bytes(field: str) -> int:
    match = re.search(rf"^{field}:\s+(\d+) kB$", Path("/proc/self/status").read_text(), re.M)
    if match is None:
        raise RuntimeError(f"no {field} in /proc/self/status")
    return int(match[1]) * 1024


def _load(spec: str) -> Callable:
    path, _, name = spec.partition(":")
    module_spec = importlib.util.spec_from_file_location("bench_prepare", path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return getattr(module, name)


def child(path: str, count: int, measure: str, repeat: int, prepare_spec: str | None) -> None:
    """Run one case in this fresh interpreter; print its figures as JSON."""
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msg_project.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
    import django

    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from posts.services import ImageUpload, _prepare_images

    prepare = _load(prepare_spec) if prepare_spec else _prepare_images
    data = Path(path).read_bytes()

    def run() -> str:
        uploads = [
            ImageUpload(file=SimpleUploadedFile(f"{n}{Path(path).suffix}", data), alt_text="x")
            for n in range(count)
        ]
        try:
            prepare(uploads)
        except ValidationError as error:
            return f"refused: {error.messages[0]}"
        return "accepted"

    run()  # warm up: imports and Pillow plugins load on first use; measure what repeats
    if measure == "memory":
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
        before = _status_bytes("VmRSS")
        outcome = run()
        print(json.dumps({"outcome": outcome, "peak": _status_bytes("VmHWM") - before}))
        return
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        outcome = run()
        seconds.append(time.perf_counter() - start)
    print(json.dumps({"outcome": outcome, "seconds": statistics.median(seconds)}))


def measure(path: Path, count: int, kind: str, repeat: int, prepare: str | None) -> dict:
    env = dict(os.environ)
    if kind == "memory":
        # Blocks of 1 MB and more come from mmap and go back to the system when freed.
        env["MALLOC_MMAP_THRESHOLD_"] = str(1024 * 1024)
    command = [sys.executable, __file__, "--child", str(path), str(count), kind, str(repeat)]
    if prepare:
        command += ["--prepare", prepare]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per case (median)")
    parser.add_argument("--prepare", help="FILE:FUNCTION to measure instead of _prepare_images")
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated case names")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        path, count, kind, repeat = args.child
        child(path, int(count), kind, int(repeat), args.prepare)
        return

    if not os.access("/proc/self/clear_refs", os.W_OK):
        sys.exit("bench/images.py measures memory through /proc/self (Linux).")
    names = ["baseline", *[n for n in args.cases.split(",") if n != "baseline"]]
    print(
        f"python {platform.python_version()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}"
    )
    if args.prepare:
        print(f"measuring {args.prepare}")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            what, file_name, count, size, fmt, mode = CASES[name]
            path = Path(folder) / file_name
            path.write_bytes(make_picture(size, fmt, mode))
            timed = measure(path, count, "time", args.repeat, args.prepare)
            memory = measure(path, count, "memory", 1, args.prepare)
            rows.append((name, what, path.stat().st_size, timed, memory))
    base_seconds, base_peak = rows[0][3]["seconds"], rows[0][4]["peak"]
    print(
        "| case | upload | file | outcome | time ms | x baseline | peak MB | x baseline |\n"
        "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: |"
    )
    for name, what, file_size, timed, memory in rows:
        print(
            f"| {name} | {what} | {file_size / 1024:,.0f} KB each | {timed['outcome']} "
            f"| {timed['seconds'] * 1000:,.1f} | {timed['seconds'] / base_seconds:,.1f} "
            f"| {memory['peak'] / 1_048_576:,.1f} | {memory['peak'] / base_peak:,.1f} |"
        )


if __name__ == "__main__":
    main()
