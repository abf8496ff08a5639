#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A second pcapng reader, for the tests: written from the pcapng draft and
Wireshark's custom-block notes alone, sharing nothing with the extractor's
writer (extractor/pcapng_blocks.c).

Usage: pcapng_blocks.py FILE...

Walks every block of each FILE and checks what the draft demands of it:
the Section Header's byte-order magic and version, every block's total
length at both ends and a multiple of 4, every option inside its block,
padded to 4 and closed by opt_endofopt, an Interface Description before any
packet, the Process Information entry of a Wireshark custom block (PEN
32622, entry type 3, little-endian, its length not counting padding).
Prints one JSON object per block (with "file"); times in ns are strings
(jq 1.6 turns numbers past 2^53 into floats). Exits 1 with a message naming
the file and offset at the first thing wrong.
"""
import json
import struct
import sys

SHB, IDB, EPB, CB_COPY = 0x0A0D0D0A, 0x00000001, 0x00000006, 0x00000BAD


class Bad(Exception):
    pass


def options(buf, off, end, endian, where):
    """The options in buf[off:end] as a list of (code, bytes)."""
    out = []
    while off < end:
        if off + 4 > end:
            raise Bad(f"{where}: option header past the end")
        code, length = struct.unpack_from(endian + "HH", buf, off)
        off += 4
        if code == 0:
            if length != 0:
                raise Bad(f"{where}: opt_endofopt with length {length}")
            if off != end:
                raise Bad(f"{where}: {end - off} bytes after opt_endofopt")
            return out
        padded = length + (-length % 4)
        if off + padded > end:
            raise Bad(f"{where}: option {code} of {length} bytes past the end")
        if any(buf[off + length:off + padded]):
            raise Bad(f"{where}: option {code}: padding not zero")
        out.append((code, bytes(buf[off:off + length])))
        off += padded
    if out:
        raise Bad(f"{where}: options without opt_endofopt")
    return out


def text(v):
    return v.decode("utf-8", "backslashreplace")


def one(opts, code):
    vals = [v for c, v in opts if c == code]
    if len(vals) > 1:
        raise Bad(f"option {code} given {len(vals)} times")
    return vals[0] if vals else None


def read(path):
    buf = open(path, "rb").read()
    off, endian, interfaces, blocks = 0, None, [], []
    while off < len(buf):
        where = f"{path}: block at {off}"
        if off + 12 > len(buf):
            raise Bad(f"{where}: {len(buf) - off} bytes left, no whole block")
        if endian is None or struct.unpack_from("<I", buf, off)[0] == SHB:
            if struct.unpack_from("<I", buf, off)[0] != SHB:
                raise Bad(f"{where}: the file does not start with a Section Header Block")
            magic = buf[off + 8:off + 12]
            endian = {b"\x4d\x3c\x2b\x1a": "<", b"\x1a\x2b\x3c\x4d": ">"}.get(bytes(magic))
            if endian is None:
                raise Bad(f"{where}: bad byte-order magic {magic.hex()}")
            interfaces = []
        btype, total = struct.unpack_from(endian + "II", buf, off)
        if total % 4 or total < 12 or off + total > len(buf):
            raise Bad(f"{where}: total length {total} (file has {len(buf) - off} bytes left)")
        if struct.unpack_from(endian + "I", buf, off + total - 4)[0] != total:
            raise Bad(f"{where}: trailing length differs from {total}")
        body, end = off + 8, off + total - 4
        b = {"file": path, "offset": off, "length": total}
        if btype == SHB:
            _, major, minor, seclen = struct.unpack_from(endian + "IHHq", buf, body)
            opts = options(buf, body + 16, end, endian, where)
            b.update(type="shb", version=f"{major}.{minor}", section_length=seclen,
                     byte_order="little" if endian == "<" else "big")
            if one(opts, 4) is not None:
                b["userappl"] = text(one(opts, 4))
        elif btype == IDB:
            linktype, reserved, snaplen = struct.unpack_from(endian + "HHI", buf, body)
            opts = options(buf, body + 8, end, endian, where)
            tsresol = one(opts, 9)
            b.update(type="idb", linktype=linktype, snaplen=snaplen,
                     tsresol=tsresol[0] if tsresol else 6,
                     name=text(one(opts, 2) or b""),
                     description=text(one(opts, 3) or b""),
                     comments=[text(v) for c, v in opts if c == 1])
            interfaces.append(b)
        elif btype == EPB:
            ifid, hi, lo, caplen, origlen = struct.unpack_from(endian + "IIIII", buf, body)
            if ifid >= len(interfaces):
                raise Bad(f"{where}: packet of interface {ifid}, {len(interfaces)} described")
            if caplen > origlen:
                raise Bad(f"{where}: captured {caplen} of {origlen} bytes")
            data = body + 20
            padded = caplen + (-caplen % 4)
            if data + padded > end:
                raise Bad(f"{where}: packet data past the block")
            opts = options(buf, data + padded, end, endian, where)
            resol = interfaces[ifid]["tsresol"]
            if resol != 9:
                raise Bad(f"{where}: interface time resolution {resol}, not ns")
            b.update(type="epb", time_ns=str(hi << 32 | lo), caplen=caplen, len=origlen,
                     data=bytes(buf[data:data + caplen]).hex(),
                     comments=[text(v) for c, v in opts if c == 1])
            flags = one(opts, 2)
            if flags is not None:
                if len(flags) != 4:
                    raise Bad(f"{where}: epb_flags of {len(flags)} bytes")
                b["flags"] = struct.unpack(endian + "I", flags)[0]
            pidtid = one(opts, 8)
            if pidtid is not None:
                if len(pidtid) != 8:
                    raise Bad(f"{where}: epb_processid_threadid of {len(pidtid)} bytes")
                b["pid"], b["tid"] = struct.unpack(endian + "II", pidtid)
        elif btype == CB_COPY:
            pen = struct.unpack_from(endian + "I", buf, body)[0]
            b.update(type="custom", pen=pen)
            if pen == 32622:
                # the entry is little-endian whatever the section's byte order
                etype, elen = struct.unpack_from("<II", buf, body + 4)
                entry = body + 12
                if entry + elen + (-elen % 4) > end:
                    raise Bad(f"{where}: entry of {elen} bytes past the block")
                b["entry_type"] = etype
                # the custom block's own options follow the padded entry
                options(buf, entry + elen + (-elen % 4), end, endian, where)
                if etype == 3:
                    (pid,) = struct.unpack_from("<I", buf, entry)
                    opts = options(buf, entry + 4, entry + elen, "<", where + " (PIB)")
                    b.update(type="pib", pid=pid)
                    for code, name in ((2, "name"), (3, "path")):
                        if one(opts, code) is not None:
                            b[name] = text(one(opts, code))
                    if one(opts, 4) is not None:
                        b["cmdline"] = [text(a) for a in one(opts, 4).split(b"\0")]
                    for code, name, fmt in ((5, "ppid", "<I"), (6, "uid", "<I"),
                                            (9, "start_ns", "<Q")):
                        v = one(opts, code)
                        if v is not None:
                            if len(v) != struct.calcsize(fmt):
                                raise Bad(f"{where}: PIB option {code} of {len(v)} bytes")
                            b[name] = struct.unpack(fmt, v)[0]
                    if "start_ns" in b:
                        b["start_ns"] = str(b["start_ns"])
        else:
            b["type"] = f"0x{btype:08x}"
        blocks.append(b)
        off += total
    if not blocks:
        raise Bad(f"{path}: empty file")
    return blocks


def main():
    try:
        for path in sys.argv[1:]:
            for b in read(path):
                print(json.dumps(b, sort_keys=True))
    except (Bad, struct.error) as e:
        print(f"pcapng_blocks: {e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
