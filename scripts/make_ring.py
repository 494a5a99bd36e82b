"""Write the desk's ring (console/static/ring.wav): two short soft tones, made here, no download.

    python scripts/make_ring.py   # rewrites the file; it is committed, so only when it changes
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 8000  # samples a second: plenty for a tone, and a file of a few kilobytes
OUT = Path(__file__).resolve().parents[1] / "console" / "static" / "ring.wav"
# (frequency in Hz, seconds): two tones then a pause, as a desk phone's ring.
TONES = ((660.0, 0.18), (0.0, 0.06), (880.0, 0.22), (0.0, 0.3))


def samples() -> list[int]:
    """16-bit samples of the ring, each tone faded in and out so it does not click."""
    out = []
    for frequency, seconds in TONES:
        count = int(RATE * seconds)
        fade = max(1, int(RATE * 0.02))
        for n in range(count):
            envelope = min(1.0, n / fade, (count - n) / fade)
            value = math.sin(2 * math.pi * frequency * n / RATE) if frequency else 0.0
            out.append(int(12000 * envelope * value))
    return out


def main() -> None:
    """Write the WAV file."""
    with wave.open(str(OUT), "wb") as ring:
        ring.setnchannels(1)
        ring.setsampwidth(2)
        ring.setframerate(RATE)
        ring.writeframes(b"".join(struct.pack("<h", s) for s in samples()))


if __name__ == "__main__":
    main()
