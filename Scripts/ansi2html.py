#!/usr/bin/env python3
"""Turn `tmux capture-pane -e -p` output (text with SGR colour sequences) into a standalone HTML page
that looks like the terminal (xterm-256color palette, DejaVu Sans Mono), for screenshots.

Usage: ansi2html.py TITLE < capture.ansi > screen.html
"""
import html
import re
import sys
import unicodedata

BASE16 = ["#1d1f21", "#cc342b", "#198844", "#d8a000", "#3971ed", "#a36ac7", "#3971ed", "#c5c8c6",
          "#666666", "#ff5f56", "#2fc15b", "#fbbc05", "#6c9cff", "#c792ea", "#4dd0e1", "#ffffff"]


def color256(n):
    if n < 16:
        return BASE16[n]
    if n < 232:
        n -= 16
        levels = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (levels[n // 36], levels[(n // 6) % 6], levels[n % 6])
    v = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (v, v, v)


FG, BG = "#d8dee4", "#15191e"


def render(text):
    state = {"fg": None, "bg": None, "bold": False, "dim": False, "ul": False, "rev": False, "it": False}
    out = []
    for line in text.rstrip("\n").split("\n"):
        parts = re.split(r"(\x1b\[[0-9;:]*m)", line)
        spans = []
        for p in parts:
            if p.startswith("\x1b["):
                codes = [c for c in p[2:-1].replace(":", ";").split(";")]
                codes = [int(c) if c else 0 for c in codes] or [0]
                i = 0
                while i < len(codes):
                    c = codes[i]
                    if c == 0:
                        state = {k: (None if k in ("fg", "bg") else False) for k in state}
                    elif c == 1: state["bold"] = True
                    elif c == 2: state["dim"] = True
                    elif c == 3: state["it"] = True
                    elif c == 4: state["ul"] = True
                    elif c == 7: state["rev"] = True
                    elif c == 22: state["bold"] = state["dim"] = False
                    elif c == 23: state["it"] = False
                    elif c == 24: state["ul"] = False
                    elif c == 27: state["rev"] = False
                    elif 30 <= c <= 37: state["fg"] = BASE16[c - 30]
                    elif 90 <= c <= 97: state["fg"] = BASE16[c - 90 + 8]
                    elif 40 <= c <= 47: state["bg"] = BASE16[c - 40]
                    elif 100 <= c <= 107: state["bg"] = BASE16[c - 100 + 8]
                    elif c == 39: state["fg"] = None
                    elif c == 49: state["bg"] = None
                    elif c in (38, 48) and i + 1 < len(codes):
                        key = "fg" if c == 38 else "bg"
                        if codes[i + 1] == 5 and i + 2 < len(codes):
                            state[key] = color256(codes[i + 2]); i += 2
                        elif codes[i + 1] == 2 and i + 4 < len(codes):
                            state[key] = "#%02x%02x%02x" % tuple(codes[i + 2:i + 5]); i += 4
                    i += 1
                continue
            if not p:
                continue
            fg, bg = state["fg"] or FG, state["bg"] or BG
            if state["rev"]:
                fg, bg = bg, fg
            style = f"color:{fg};background:{bg}"
            if state["bold"]: style += ";font-weight:bold"
            if state["dim"]: style += ";opacity:.65"
            if state["it"]: style += ";font-style:italic"
            if state["ul"]: style += ";text-decoration:underline"
            spans.append(f'<span style="{style}">{cells(p)}</span>')
        out.append("<div>" + "".join(spans) + "&#8203;</div>")
    return "".join(out)   # no newlines between rows: they would add blank lines inside <pre>


def cells(text):
    """Escapes text; every non-ASCII character gets a fixed cell (1ch, 2ch for wide ones), so symbols
    from fallback fonts cannot shift the columns."""
    out = []
    for ch in text:
        if ord(ch) < 128:
            out.append(html.escape(ch))
        else:
            w = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
            out.append(f'<span class="c{w}">{html.escape(ch)}</span>')
    return "".join(out)


def main():
    title = sys.argv[1] if len(sys.argv) > 1 else "Portolan"
    body = render(sys.stdin.read())
    print(f"""<!doctype html><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ margin: 0; background: #0b0e12; }}
.term {{ display: inline-block; margin: 18px; padding: 14px 16px; background: {BG}; border-radius: 8px;
        box-shadow: 0 6px 24px rgba(0,0,0,.5); }}
.bar {{ height: 22px; margin: -6px 0 10px; color: #8b949e; font: 13px sans-serif; }}
.bar i {{ display: inline-block; width: 11px; height: 11px; border-radius: 50%; margin-right: 6px; }}
pre {{ margin: 0; font: 15px/1.2 'DejaVu Sans Mono', monospace; color: {FG}; white-space: pre; }}
pre div {{ height: 1.2em; }}
.c1, .c2 {{ display: inline-block; text-align: center; overflow: hidden; vertical-align: top; }}
.c1 {{ width: 1ch; }} .c2 {{ width: 2ch; }}
</style>
<div class="term"><div class="bar"><i style="background:#ff5f56"></i><i style="background:#ffbd2e"></i><i style="background:#27c93f"></i> &nbsp;{html.escape(title)}</div>
<pre>{body}</pre></div>""")


if __name__ == "__main__":
    main()
