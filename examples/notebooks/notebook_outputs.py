"""What an executed notebook printed and showed, for run-notebook.sh's checks of both notebooks."""
import json


def read(path):
    """Returns (cells, text, pngs, htmls, errors) of the executed notebook at path: the number of
    cells, all stream and text/* output joined, the counts of image/png and text/html outputs, and
    the cells' errors as "name: value"."""
    nb = json.load(open(path))
    text, pngs, htmls, errors = [], 0, 0, []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if out["output_type"] == "error":
                errors.append(out["ename"] + ": " + out["evalue"])
            if out["output_type"] == "stream":
                text.append("".join(out["text"]))
            for mime, data in out.get("data", {}).items():
                if mime == "image/png":
                    pngs += 1
                if mime == "text/html":
                    htmls += 1
                elif mime.startswith("text/"):
                    text.append("".join(data) if isinstance(data, list) else data)
    return len(nb["cells"]), "\n".join(text), pngs, htmls, errors
