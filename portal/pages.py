"""The HTML frame every server-rendered page shares (tracking and fleet): inline CSS, no script, safe headers."""

from __future__ import annotations

from html import escape

# Headers of every page answer (tracking and fleet): nothing cached or indexed, the token never leaks through Referer,
# nothing loaded from anywhere (inline CSS only).
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
}

CSS = """
*{box-sizing:border-box}
body{margin:0;background:#f3f5f7;color:#1b1f23;font-family:"Noto Sans","Segoe UI",Roboto,Arial,sans-serif;font-size:18px;line-height:1.55}
header{background:#a3161b;color:#fff;padding:16px 20px}
header p{margin:0;font-size:15px;opacity:.9}
header h1{margin:4px 0 0;font-size:24px}
main{max-width:40rem;margin:0 auto;padding:16px}
.card{background:#fff;border-radius:10px;padding:16px 18px;margin:0 0 16px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
.label{margin:0;color:#5a6570;font-size:15px}
.code{margin:2px 0 14px;font-size:20px;font-weight:700;letter-spacing:.02em;word-break:break-all}
.status{margin:2px 0 6px;font-size:26px;font-weight:700;color:#0d5c2e}
.status.wait{color:#8a4b00}
.status.stop{color:#a3161b}
.hint{margin:6px 0 0;font-size:17px}
dl{margin:14px 0 0}
dt{color:#5a6570;font-size:15px}
dd{margin:0 0 12px;font-size:19px}
h2{margin:0 0 10px;font-size:20px}
ol{list-style:none;margin:0;padding:0}
li{border-left:4px solid #c9d1d9;padding:4px 0 10px 14px}
li:last-child{border-left-color:#0d5c2e}
li time{display:block;color:#5a6570;font-size:15px}
.foot{color:#5a6570;font-size:15px}
"""


def frame(title: str, portal_name: str, content: str) -> str:
    """A whole page around `content` (already escaped HTML); the title and portal name are escaped here."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex, nofollow">\n<meta name="referrer" content="no-referrer">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<header><p>{escape(portal_name)}</p><h1>Tra cứu hồ sơ</h1></header>\n"
        f"<main>\n{content}\n</main>\n</body>\n</html>\n"
    )
