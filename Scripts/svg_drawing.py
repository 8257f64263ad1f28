#!/usr/bin/env python3
"""Compares what two SVG files draw, not how they spell it (used by Scripts/prove-unchanged.sh).

    Scripts/svg_drawing.py BASE.svg NEW.svg

Exit status 0: the same drawing (one line on stdout names the markup that changed);
1: a different drawing (the differing elements listed on stdout); 2: a file cannot be read.

The drawing of a file is, for each kind of drawn element, the multiset of its elements, each
reduced to its geometry — every coordinate, in the order written — and its text:

    svg       x y width height viewBox          (the canvas; nested plots of stacked documents)
    line      x1 y1 x2 y2
    rect      x y width height                  (absent x, y are 0; percentages of the canvas)
    circle    cx cy r;  ellipse  cx cy rx ry
    polyline  the points of one connected run: a <polyline>, or one subpath of a <path> made of
              absolute M and L commands (so a line broken into several <polyline>s and a
              <path> with several M's draw the same)
    polygon   the points of a <polygon>, or of such a subpath closed by Z
    path      any other <path>: its commands and numbers as written
    text      x y and its text (<title> children left out)

The numbers of an element's transform, and of its enclosing groups', are added to its geometry.
Numbers compare as values (426 and 426.0 are the same).

Not part of the drawing, so a change there is "new markup": the order of elements; grouping;
<title> tooltips; <defs>, clip paths included (a clip path that appears or moves is not
compared, so a drawing that differs only in what a clip hides would pass: the forecast plots
fit their axes to every point drawn and hide nothing); and style — colours, stroke widths,
opacities, dashes, fonts, text anchors — whose changes are reported, counted over the drawn
elements with inheritance from enclosing groups, but do not fail.
"""
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter

NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
PATH_TOKEN = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
GEOMETRY = {
    "svg": ("x", "y", "width", "height", "viewBox"),
    "line": ("x1", "y1", "x2", "y2"),
    "rect": ("x", "y", "width", "height"),
    "circle": ("cx", "cy", "r"),
    "ellipse": ("cx", "cy", "rx", "ry"),
    "text": ("x", "y"),
}
DEFAULT_ZERO = {"x", "y", "x1", "y1", "x2", "y2", "cx", "cy"}
STYLE = ("fill", "stroke", "stroke-width", "stroke-opacity", "fill-opacity", "opacity", "stroke-dasharray",
         "stroke-linejoin", "stroke-linecap", "font-family", "font-size", "font-weight", "text-anchor")
NOT_DRAWN = {"defs", "title", "desc", "metadata", "style", "clipPath", "script"}


def local(tag):
    return tag.rsplit("}", 1)[-1]


def numbers(text):
    return [float(v) for v in NUMBER.findall(text or "")]


def text_of(element):
    """The element's text and its children's, without <title>s."""
    parts = [element.text or ""]
    for child in element:
        if local(child.tag) not in NOT_DRAWN:
            parts.append(text_of(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def subpaths(d):
    """[(kind, points)] for a path of absolute M/L (and Z) commands; None for any other path."""
    result, points, command = [], [], None
    tokens = PATH_TOKEN.findall(d or "")
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.isalpha():
            if token not in "MLZ":
                return None
            if token in "MZ" and points:
                result.append(("polygon" if token == "Z" else "polyline", tuple(points)))
                points = []
            command = token
            i += 1
            continue
        if command not in ("M", "L") or i + 1 >= len(tokens) or tokens[i + 1].isalpha():
            return None
        points += [float(token), float(tokens[i + 1])]
        command = "L"        # coordinates after an M's first pair are line-tos
        i += 2
    if points:
        result.append(("polyline", tuple(points)))
    return result


def drawing(path):
    """(Counter of (kind, geometry, text), Counter of (property, value)) for the file at `path`."""
    root = ET.parse(path).getroot()
    shapes, styles = Counter(), Counter()
    canvas = (float(root.get("width", "0").rstrip("px") or 0), float(root.get("height", "0").rstrip("px") or 0))

    def visit(element, inherited, transform):
        kind = local(element.tag)
        if kind in NOT_DRAWN:
            return
        style = dict(inherited)
        for name in STYLE:
            if element.get(name) is not None:
                style[name] = element.get(name)
        transform = transform + tuple(numbers(element.get("transform")))   # an enclosing group's applies too
        geometry = None
        if kind in GEOMETRY:
            values = []
            for name in GEOMETRY[kind]:
                value = element.get(name)
                if value is None:
                    values += [0.0] if name in DEFAULT_ZERO and kind != "svg" else []
                elif value.endswith("%") and name in ("x", "width", "y", "height"):
                    values.append(float(value[:-1]) / 100 * canvas[0 if name in ("x", "width") else 1])
                else:
                    values += numbers(value)
            geometry = [(kind, tuple(values))]
        elif kind in ("polyline", "polygon"):
            geometry = [(kind, tuple(numbers(element.get("points"))))]
        elif kind == "path":
            geometry = subpaths(element.get("d")) or [("path", tuple(PATH_TOKEN.findall(element.get("d") or "")))]
        if geometry is not None:
            text = text_of(element) if kind == "text" else ""
            for shape_kind, values in geometry:
                shapes[(shape_kind, values + transform, text)] += 1
                for name, value in style.items():
                    styles[(name, value)] += 1
        for child in element:
            visit(child, style, transform)

    visit(root, {}, ())
    return shapes, styles


def show(shape):
    kind, values, text = shape
    spelled = " ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in values)
    if len(spelled) > 70:
        spelled = spelled[:67] + "..."
    return f"{kind} [{spelled}]" + (f" {text!r}" if text else "")


def main():
    try:
        base, base_styles = drawing(sys.argv[1])
        new, new_styles = drawing(sys.argv[2])
    except (ET.ParseError, OSError, ValueError) as error:
        print(f"cannot read: {error}")
        return 2
    if base == new:
        lost, gained = base_styles - new_styles, new_styles - base_styles
        changes = [f"-{k}={v} x{n}" for (k, v), n in sorted(lost.items())] + \
                  [f"+{k}={v} x{n}" for (k, v), n in sorted(gained.items())]
        print(f"{sum(base.values())} elements; " + ("styles: " + ", ".join(changes) if changes else "styles unchanged"))
        return 0
    only_base, only_new = base - new, new - base
    for kind in sorted({s[0] for s in only_base} | {s[0] for s in only_new}):
        lost = [s for s in only_base.elements() if s[0] == kind]
        gained = [s for s in only_new.elements() if s[0] == kind]
        print(f"  {kind}: {len(lost)} only in base, {len(gained)} only in new")
        shown = 0
        for s in lost:
            # Beside its nearest counterpart (same text and length, fewest numbers changed), if any.
            twins = [g for g in gained if g[2] == s[2] and len(g[1]) == len(s[1])]
            if twins and shown < 3:
                twin = min(twins, key=lambda g: sum(a != b for a, b in zip(s[1], g[1])))
                gained.remove(twin)
                changed = [f"[{i}] {a:g} -> {b:g}" for i, (a, b) in enumerate(zip(s[1], twin[1])) if a != b]
                more = f" (+{len(changed) - 4} more)" if len(changed) > 4 else ""
                print(f"    ~ {show(s)}: " + ", ".join(changed[:4]) + more)
                shown += 1
            elif shown < 3:
                print(f"    - {show(s)}")
                shown += 1
        for g in gained[:max(0, 3 - shown)]:
            print(f"    + {show(g)}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
