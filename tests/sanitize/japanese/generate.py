"""Generate the Japanese fixture mails of this folder (run once; the .eml files are committed).

Run: python tests/sanitize/japanese/generate.py
"""

import base64
import quopri
from pathlib import Path

OUT = Path(__file__).resolve().parent


def b64w(text, charset):
    data = text.encode(charset if charset != "iso-2022-jp" else "iso2022_jp")
    return f"=?{charset.upper()}?B?{base64.b64encode(data).decode()}?="


def sjis_to_jis(b1, b2):
    if b1 >= 0xE0:
        b1 -= 0x40
    b1 -= 0x81
    if b2 >= 0x80:
        b2 -= 1
    b2 -= 0x40
    row = b1 * 2 + (1 if b2 >= 94 else 0)
    return bytes((row + 0x21, b2 % 94 + 0x21))


def cp50220(text):
    """Encode like Windows CP50220: JIS X 0208 incl. NEC row 13 / NEC-selected IBM rows, kana via ESC ( I."""
    out = bytearray()
    mode = "ascii"
    for ch in text:
        if ch.isascii():
            if mode != "ascii":
                out += b"\x1b(B"
                mode = "ascii"
            out += ch.encode()
        elif "\uff61" <= ch <= "\uff9f":
            if mode != "kana":
                out += b"\x1b(I"
                mode = "kana"
            out.append(ord(ch) - 0xFF61 + 0x21)
        else:
            if mode != "kanji":
                out += b"\x1b$B"
                mode = "kanji"
            s = ch.encode("cp932")
            if s[0] >= 0xFA:  # IBM extension: CP50220 uses the NEC-selected copy
                s = {"髙": b"\xee\xe0", "﨑": b"\xed\x95"}.get(ch, s)
            out += sjis_to_jis(s[0], s[1])
    if mode != "ascii":
        out += b"\x1b(B"
    return bytes(out)


def write(name, head, body: bytes):
    (OUT / name).write_bytes(head.replace("\n", "\r\n").encode("ascii") + b"\r\n" + body)


ja_body = (
    "田中様\n\nいつもお世話になっております。\n会議の資料をお送りします。\n\nよろしくお願いいたします。\n"
)
# 1 ISO-2022-JP plain
write(
    "iso2022jp_plain.eml",
    f"""From: {b64w("山田太郎", "iso-2022-jp")} <yamada@example.jp>
To: {b64w("田中花子", "iso-2022-jp")} <tanaka@example.lg.jp>
Subject: {b64w("会議資料の送付", "iso-2022-jp")}
Date: Mon, 6 Apr 2026 09:00:00 +0900
Message-ID: <iso2022jp-plain@example.jp>
MIME-Version: 1.0
Content-Type: text/plain; charset=ISO-2022-JP
Content-Transfer-Encoding: 7bit
""",
    ja_body.replace("\n", "\r\n").encode("iso2022_jp"),
)

# 2 ISO-2022-JP with CP50220 extensions and half-width kana
ext_text = "株式会社髙﨑製作所\r\n①議題　②日程　③場所\r\n㈱㈲№℡　ｶﾀｶﾅﾃｽﾄ\r\n"
write(
    "iso2022jp_cp50220.eml",
    f"""From: sender@example.jp
To: recipient@example.jp
Subject: {"=?ISO-2022-JP?B?" + base64.b64encode(cp50220("①髙﨑様へ")).decode() + "?="}
Date: Mon, 6 Apr 2026 09:00:00 +0900
MIME-Version: 1.0
Content-Type: text/plain; charset="iso-2022-jp"
Content-Transfer-Encoding: 7bit
""",
    cp50220(ext_text),
)

# 3 CP932 8bit labelled Shift_JIS
sj_text = "髙橋様\r\n請求金額：①１２，０００円　②３，５００円\r\n～　－　∥　￢\r\n㈱サンプル\r\n"
write(
    "shiftjis_8bit.eml",
    f"""From: {"=?SHIFT_JIS?B?" + base64.b64encode("髙橋".encode("cp932")).decode() + "?="} <takahashi@example.jp>
To: keiri@example.lg.jp
Subject: =?Shift_JIS?B?{base64.b64encode("請求書（①）".encode("cp932")).decode()}?=
Date: Tue, 7 Apr 2026 10:00:00 +0900
MIME-Version: 1.0
Content-Type: text/plain; charset=Shift_JIS
Content-Transfer-Encoding: 8bit
""",
    sj_text.encode("cp932"),
)

# 4 EUC-JP quoted-printable
euc_text = (
    "総務課各位\r\n\r\n明日の訓練は十時からです。\r\n詳細は https://www.example.lg.jp/kunren を参照。\r\n"
)
write(
    "eucjp_qp.eml",
    f"""From: soumu@example.lg.jp
To: all@example.lg.jp
Subject: =?EUC-JP?Q?{"".join(f"={b:02X}" for b in "訓練のお知らせ".encode("euc_jp"))}?=
Date: Wed, 8 Apr 2026 11:00:00 +0900
MIME-Version: 1.0
Content-Type: text/plain; charset=EUC-JP
Content-Transfer-Encoding: quoted-printable
""",
    quopri.encodestring(euc_text.encode("euc_jp")),
)

# 5 UTF-8 base64 with emoji and a mail address
utf_text = "各位\r\n\r\n資料は共有フォルダにあります🙇\r\n問い合わせ: info@example.jp\r\n"
write(
    "utf8_base64.eml",
    f"""From: =?UTF-8?B?{base64.b64encode("情報政策課".encode()).decode()}?= <seisaku@example.lg.jp>
To: all@example.lg.jp
Subject: =?UTF-8?B?{base64.b64encode("【重要】資料の場所".encode()).decode()}?=
Date: Thu, 9 Apr 2026 12:00:00 +0900
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: base64
""",
    base64.encodebytes(utf_text.encode()).replace(b"\n", b"\r\n"),
)

# 6 HTML only, MIME says UTF-8, meta says Shift_JIS, bytes are UTF-8
html = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"><title>x</title></head>
<body><h2>お知らせ</h2><p>システム更新のため、<b>4月10日</b>は停止します。</p>
<ul><li>対象：庁内ネットワーク</li><li>時間：９時～１７時</li></ul>
<p>詳しくは<a href="https://portal.example.lg.jp/info">ポータル</a>をご覧ください。</p></body></html>"""
write(
    "html_only_meta_mismatch.eml",
    """From: it@example.lg.jp
To: all@example.lg.jp
Subject: =?UTF-8?B?44K344K544OG44Og5pu05paw?=
Date: Fri, 10 Apr 2026 08:00:00 +0900
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: base64
""",
    base64.encodebytes(html.encode()).replace(b"\n", b"\r\n"),
)

# 7 HTML only, no MIME charset, meta says Shift_JIS, bytes are CP932, quoted-printable
html2 = """<html><head><meta charset="Shift_JIS"></head><body><p>髙木です。①の件、承知しました。</p>
<table><tr><td>品名</td><td>数量</td></tr><tr><td>ノートPC</td><td>3台</td></tr></table></body></html>"""
write(
    "html_cp932_meta_only.eml",
    """From: takagi@example.jp
To: buhin@example.lg.jp
Subject: Re: order
Date: Fri, 10 Apr 2026 08:30:00 +0900
MIME-Version: 1.0
Content-Type: text/html
Content-Transfer-Encoding: quoted-printable
""",
    quopri.encodestring(html2.encode("cp932")),
)

# 8 RFC 2231 filename (ISO-2022-JP continuation) and a name= only (RFC 2047) attachment, with an .exe
fname = "議事録（第１回）.pdf"
enc = "".join(f"%{b:02X}" for b in fname.encode("iso2022_jp"))
half = len(enc) // 2
half -= half % 3
body8 = (
    b"--BOUNDARY\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
    + "議事録と名簿を添付します。\r\n".encode("iso2022_jp")
    + b"\r\n--BOUNDARY\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment;\r\n"
    + f" filename*0*=ISO-2022-JP''{enc[:half]};\r\n filename*1*={enc[half:]}\r\nContent-Transfer-Encoding: base64\r\n\r\n".encode()
    + base64.encodebytes(b"%PDF-1.4\n%%EOF\n").replace(b"\n", b"\r\n")
    + b'\r\n--BOUNDARY\r\nContent-Type: application/octet-stream; name="'
    + b64w("名簿.exe", "iso-2022-jp").encode()
    + b'"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
    + base64.encodebytes(b"MZ\x90\x00" + b"\x00" * 60).replace(b"\n", b"\r\n")
    + b"\r\n--BOUNDARY--\r\n"
)
write(
    "rfc2231_filenames.eml",
    """From: gijiroku@example.jp
To: kaigi@example.lg.jp
Subject: =?ISO-2022-JP?B?GyRCNUQ7dk8/GyhC?=
Date: Sat, 11 Apr 2026 09:00:00 +0900
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="BOUNDARY"
""",
    body8,
)

# 9 no charset declared: raw ISO-2022-JP and raw CP932 parts
body9 = (
    b"--B9\r\nContent-Type: text/plain\r\n\r\n"
    + "文字コードの指定がありません。\r\n".encode("iso2022_jp")
    + b"\r\n--B9\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    + "こちらはシフトJISです。①㈱\r\n".encode("cp932")
    + b"\r\n--B9--\r\n"
)
write(
    "no_charset.eml",
    """From: old-client@example.jp
To: someone@example.lg.jp
Subject: no charset
Date: Sun, 12 Apr 2026 09:00:00 +0900
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=B9
""",
    body9,
)

# 10 alternative (ISO-2022-JP text + HTML with phishing link) + .js attachment, subject split across words
subj = "【至急】アカウントの確認をお願いします"
raw = subj.encode("utf-8")
words = [raw[:20], raw[20:41], raw[41:]]  # cuts inside multi-byte characters on purpose
subject10 = "\n ".join("=?UTF-8?B?" + base64.b64encode(w).decode() + "?=" for w in words)
html10 = """<html><body><p>お客様のアカウントに<span style="display:none">隠し文字</span>異常がありました。</p>
<p><a href="https://evil.example.net/login">https://www.bank.example.co.jp/</a> からログインしてください。</p>
<img src="https://track.example.net/open.gif?id=1" width="1" height="1"></body></html>"""
body10 = (
    b"--MIX\r\nContent-Type: multipart/alternative; boundary=ALT\r\n\r\n"
    b"--ALT\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\n\r\n"
    + "お客様のアカウントに異常がありました。\r\n".encode("iso2022_jp")
    + b"\r\n--ALT\r\nContent-Type: text/html; charset=ISO-2022-JP\r\n\r\n"
    + html10.replace("\n", "\r\n").encode("iso2022_jp")
    + b'\r\n--ALT--\r\n\r\n--MIX\r\nContent-Type: application/javascript; name="check.js"\r\n'
    b'Content-Disposition: attachment; filename="check.js"\r\n\r\nWScript.Echo(1);\r\n--MIX--\r\n'
)
write(
    "phishing_alternative.eml",
    f"""From: {b64w("サポート窓口", "iso-2022-jp")} <support@evil.example.net>
To: staff@example.lg.jp
Subject: {subject10}
Date: Mon, 13 Apr 2026 09:00:00 +0900
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=MIX
""",
    body10,
)

# 11 UTF-8 mislabelled as ISO-2022-JP (mobile carrier style)
write(
    "utf8_mislabelled.eml",
    """From: mailer-daemon@example.ne.jp
To: user@example.lg.jp
Subject: =?ISO-2022-JP?B?GyRCJWEhPCVrJSglaSE8GyhC?=
Date: Tue, 14 Apr 2026 09:00:00 +0900
MIME-Version: 1.0
Content-Type: text/plain; charset="ISO-2022-JP"
Content-Transfer-Encoding: 7bit
""",
    "宛先のメールボックスが一杯です。\r\n".encode(),
)

# 12 forwarded message/rfc822 with Japanese inside
inner = (
    f"From: {b64w('佐藤', 'iso-2022-jp')} <sato@example.jp>\r\nTo: suzuki@example.jp\r\n"
    f"Subject: {b64w('打ち合わせ', 'iso-2022-jp')}\r\nDate: Wed, 1 Apr 2026 15:00:00 +0900\r\n"
    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\n\r\n"
).encode() + "来週の打ち合わせは水曜日です。\r\n".encode("iso2022_jp")
body12 = (
    b"--FWD\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    + "転送します。\r\n".encode()
    + b"\r\n--FWD\r\nContent-Type: message/rfc822\r\n\r\n"
    + inner
    + b"\r\n--FWD--\r\n"
)
write(
    "forwarded_rfc822.eml",
    """From: suzuki@example.jp
To: kacho@example.lg.jp
Subject: =?UTF-8?B?RndkOiDmiZPjgaHlkIjjgo/jgZs=?=
Date: Thu, 2 Apr 2026 09:00:00 +0900
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=FWD
""",
    body12,
)

# 13 HTML in ISO-2022-JP whose meta tag claims Shift_JIS (the escape sequences decide)
html13 = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"></head>
<body><p>防災訓練のお知らせです。</p><ol><li>集合場所：本庁舎前</li><li>持ち物：ヘルメット</li></ol></body></html>"""
write(
    "html_iso2022jp_meta_sjis.eml",
    f"""From: bousai@example.lg.jp
To: all@example.lg.jp
Subject: {b64w("防災訓練", "iso-2022-jp")}
Date: Tue, 14 Apr 2026 10:00:00 +0900
MIME-Version: 1.0
Content-Type: text/html; charset=ISO-2022-JP
Content-Transfer-Encoding: 7bit
""",
    html13.replace("\n", "\r\n").encode("iso2022_jp"),
)

# 14 raw ISO-2022-JP in the Subject and From headers (no encoded words), as some gateways send
(OUT / "raw_iso2022jp_headers.eml").write_bytes(
    b"From: "
    + "総務課".encode("iso2022_jp")
    + b" <soumu@example.lg.jp>\r\nTo: all@example.lg.jp\r\nSubject: "
    + "【連絡】庁舎停電".encode("iso2022_jp")
    + b"\r\nDate: Wed, 15 Apr 2026 10:00:00 +0900\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=ISO-2022-JP\r\n\r\n"
    + "停電は午後一時からです。\r\n".encode("iso2022_jp"),
)

# 15 Shift_JIS base64 body with half-width kana, attachment name as a Shift_JIS encoded word
name15 = base64.b64encode("請求書①.pdf".encode("cp932")).decode()
body15 = (
    b"--S15\r\nContent-Type: text/plain; charset=Shift_JIS\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    + base64.encodebytes("ｾｲｷｭｳｼｮ を送付します。①㈱\r\n".encode("cp932")).replace(b"\n", b"\r\n")
    + b'\r\n--S15\r\nContent-Type: application/octet-stream; name="=?Shift_JIS?B?'
    + name15.encode()
    + b'?="\r\nContent-Disposition: attachment\r\nContent-Transfer-Encoding: base64\r\n\r\n'
    + base64.encodebytes(b"not really a pdf").replace(b"\n", b"\r\n")
    + b"\r\n--S15--\r\n"
)
write(
    "shiftjis_filename_word.eml",
    """From: keiri@example.co.jp
To: kaikei@example.lg.jp
Subject: =?Shift_JIS?B?kL+LgY+R?=
Date: Thu, 16 Apr 2026 10:00:00 +0900
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=S15
""",
    body15,
)
print("ok")
