"""Draws resources/logo.png, the event's mark: a skyline of bars with a minaret, and the words.

Run once (python resources/make_logo.py); the PNG is committed. Drawn at 4x then reduced for clean edges.
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
S = 4
W, H = 740, 200
TEAL, ORANGE, NAVY = (0, 131, 143, 255), (239, 108, 0, 255), (21, 41, 77, 255)


def main() -> None:
    img = Image.new("RGBA", (W * S, H * S), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    base = 180 * S
    bars = [
        (10, 90, TEAL),
        (38, 120, NAVY),
        (66, 60, TEAL),
        (94, 150, ORANGE),
        (122, 100, NAVY),
        (150, 75, TEAL),
    ]
    for x, height, colour in bars:
        d.rounded_rectangle((x * S, base - height * S, (x + 22) * S, base), radius=3 * S, fill=colour)
    # the minaret's lantern on the tallest bar
    d.rectangle((100 * S, base - 168 * S, 110 * S, base - 150 * S), fill=ORANGE)
    d.ellipse((102 * S, base - 178 * S, 108 * S, base - 170 * S), fill=ORANGE)
    d.rounded_rectangle((0, base + 4 * S, 178 * S, base + 12 * S), radius=4 * S, fill=NAVY)
    bold = ImageFont.truetype(str(HERE / "fonts" / "DejaVuSans-Bold.ttf"), 50 * S)
    regular = ImageFont.truetype(str(HERE / "fonts" / "DejaVuSans.ttf"), 38 * S)
    d.text((200 * S, 30 * S), "SMART CITY EXPO", font=bold, fill=NAVY)
    d.text((200 * S, 100 * S), "CASABLANCA", font=regular, fill=TEAL)
    d.rectangle((200 * S, 160 * S, 470 * S, 166 * S), fill=ORANGE)
    img = img.resize((W, H), Image.LANCZOS)
    img.save(HERE / "logo.png", optimize=True)


if __name__ == "__main__":
    main()
