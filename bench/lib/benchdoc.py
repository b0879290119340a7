"""Records a benchmark's table in docs/BENCHMARKS.md, between <!-- NAME:begin --> and <!-- NAME:end -->."""


def record(name, text, doc="docs/BENCHMARKS.md"):
    body = open(doc).read()
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    if begin not in body:
        print(f"note: {doc} has no {begin} marker; the table is not recorded")
        return
    body = body[:body.index(begin) + len(begin)] + "\n" + text + "\n" + body[body.index(end):]
    with open(doc, "w") as f:
        f.write(body)
