# Reads every file named on stdin (one path a line) with the Universal Feed
# Parser and prints one JSON object: path -> {bozo, error, items: [{title,
# link, date}]}. Used by compare-feedparser.mjs; a file that takes longer
# than the timeout is reported as such.
import calendar, json, signal, sys
try:
    import feedparser
except ImportError:
    print(json.dumps({"__missing__": "python3 feedparser module not installed"}))
    sys.exit(0)

TIMEOUT = int(sys.argv[1]) if len(sys.argv) > 1 else 10
BASE = sys.argv[2] if len(sys.argv) > 2 else "https://corpus.example/feeds/"

class Timeout(Exception):
    pass

def on_alarm(signum, frame):
    raise Timeout()

signal.signal(signal.SIGALRM, on_alarm)
out = {"__version__": feedparser.__version__}
for path in (line.rstrip("\n") for line in sys.stdin):
    if not path:
        continue
    name = path.rsplit("/", 1)[-1]
    try:
        with open(path, "rb") as f:
            data = f.read()
        signal.alarm(TIMEOUT)
        try:
            # Served as XML, with no charset: as most feeds are, and as our
            # side reads each file. (Without a Content-Type feedparser skips
            # the encoding detection it does with chardet installed.)
            d = feedparser.parse(data, response_headers={"content-location": BASE + name, "content-type": "application/xml"})
        finally:
            signal.alarm(0)
        items = []
        for e in d.entries:
            t = e.get("published_parsed") or e.get("updated_parsed") or e.get("created_parsed")
            items.append({
                "title": e.get("title"),
                "title_type": (e.get("title_detail") or {}).get("type"),
                "link": e.get("link"),
                "date": calendar.timegm(t) if t else None,
            })
        exc = d.get("bozo_exception")
        # Reading a file there is no HTTP Content-Type: that is not the document's fault.
        clean = not d.get("bozo") or type(exc).__name__ == "NonXMLContentType" or "no Content-type specified" in str(exc)
        out[path] = {
            "bozo": 0 if clean else 1,
            "error": str(d.get("bozo_exception")) if d.get("bozo") else None,
            "version": d.get("version"),
            "items": items,
        }
    except Timeout:
        out[path] = {"timeout": True}
    except Exception as err:  # a crash of feedparser itself
        out[path] = {"crash": repr(err)}
print(json.dumps(out))
