#!/usr/bin/env python3
"""Writes the uploads folder (`wp-content/uploads` as a site owner copies it) for the first COUNT
posts of bench/wxr-generate.py: one photo each, at the address its body names (the original of the
`-1024x683` size WordPress made). Eight 1600x1067 photo-like JPEGs (noise over a gradient, which
compresses like a photograph) are drawn with Pillow (`pip install pillow`); each
post's file is one of them with its own bytes appended after the image's end, so every file is
distinct (the media library stores a file once) while costing the same to decode, resize and
encode as a real photo.

    bench/uploads-generate.py 2000 /tmp/uploads
"""
import io
import os
import sys

from PIL import Image


def main():
    count, root = int(sys.argv[1]), sys.argv[2]
    bases = []
    size = (1600, 1067)
    for i in range(8):
        channels = [Image.effect_noise(size, 40 + 10 * c + i) for c in range(3)]
        gradient = Image.linear_gradient("L").resize(size).rotate(45 * i)
        noise = Image.merge("RGB", channels)
        photo = Image.blend(noise, Image.merge("RGB", [gradient] * 3), 0.5)
        out = io.BytesIO()
        photo.save(out, "JPEG", quality=85)
        bases.append(out.getvalue())
    for n in range(count):
        post_id = n + 1000
        y, m = 2020 + post_id % 6, 1 + post_id % 12
        folder = os.path.join(root, str(y), f"{m:02d}")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, f"photo-{post_id}.jpg"), "wb") as f:
            f.write(bases[n % len(bases)] + f"post {post_id}".encode())


if __name__ == "__main__":
    main()
