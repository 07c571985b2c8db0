"""Runs a command with its stderr on a pseudo-terminal of 120 columns, as a person sees it, and
prints what was drawn there as JSON: {"status": exit status, "frames": [{"text", "records"}]},
one frame per redrawn line (escape codes removed), each with the number of lines in OUT at the
moment it was read, so that a test can check the screen against the work actually written.

usage: pty_screen.py OUT COMMAND...
"""
import codecs
import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios

out_path, command = sys.argv[1], sys.argv[2:]
master, slave = pty.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave)
os.close(slave)


def records_written():
    try:
        with open(out_path, "rb") as f:
            return f.read().count(b"\n")
    except FileNotFoundError:
        return 0


escape = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
decoder = codecs.getincrementaldecoder("utf-8")("replace")
frames, pending = [], ""
while True:
    try:
        data = os.read(master, 65536)
    except OSError:  # EIO: the child has closed the terminal
        break
    if not data:
        break
    records = records_written()
    pending += decoder.decode(data)
    *complete, pending = re.split(r"[\r\n]", pending)
    for line in complete:
        line = escape.sub("", line).strip()
        if line:
            frames.append({"text": line, "records": records})
line = escape.sub("", pending).strip()
if line:
    frames.append({"text": line, "records": records_written()})
print(json.dumps({"status": child.wait(), "frames": frames}))
