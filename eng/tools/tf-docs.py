#!/usr/bin/env python3
"""terraform-docs-style Inputs/Outputs tables for a Terraform module, from its *.tf files (terraform-docs is not
installed here). The tables live in the module's README.md between <!-- BEGIN_TF_DOCS --> and <!-- END_TF_DOCS -->.
usage: tf-docs.py [--write | --check] MODULE_DIR...
  --write  replace the block in each README.md with freshly generated tables
  --check  exit 1 when a README's block differs from what the .tf files say (a variable or output added, changed, removed)
Reads only top-level `variable` and `output` blocks, with description, type and default on one line each, as this
repository writes them."""
import glob, json, os, re, sys

BEGIN, END = "<!-- BEGIN_TF_DOCS -->", "<!-- END_TF_DOCS -->"

def blocks(text, kind):
    """(name, body) of each top-level `kind "name" {...}` block, braces matched outside strings."""
    for m in re.finditer(r'^%s "([^"]+)" \{\n' % kind, text, re.M):
        depth, i, in_str = 1, m.end(), False
        while depth:
            c = text[i]
            if in_str:
                if c == "\\": i += 1
                elif c == '"': in_str = False
            elif c == '"': in_str = True
            elif c == "{": depth += 1
            elif c == "}": depth -= 1
            i += 1
        yield m.group(1), text[m.end():i - 1]

def attribute(body, name):
    """A top-level attribute's expression (the text after '=' on its line), or None."""
    depth = 0
    for line in body.split("\n"):
        if depth == 0:
            m = re.match(r'\s*%s\s*=\s*(.*)$' % name, line)
            if m: return m.group(1).strip()
        depth += line.count("{") - line.count("}")
    return None

def text_of(expr):
    return json.loads(expr) if expr and expr.startswith('"') else (expr or "")

def cell(s):
    return s.replace("|", "\\|").replace("\n", " ")

def tables(module):
    source = "\n".join(open(f).read() for f in sorted(glob.glob(os.path.join(module, "*.tf"))))
    out = []
    variables = sorted(blocks(source, "variable"))
    if variables:
        out += ["## Inputs", "", "| Name | Description | Type | Default | Required |", "|------|-------------|------|---------|:--------:|"]
        for name, body in variables:
            default = attribute(body, "default")
            out.append(f"| `{name}` | {cell(text_of(attribute(body, 'description')))} | `{cell(attribute(body, 'type') or 'any')}` | "
                       f"{'n/a' if default is None else '`' + cell(default) + '`'} | {'yes' if default is None else 'no'} |")
        out.append("")
    outputs = sorted(blocks(source, "output"))
    if outputs:
        out += ["## Outputs", "", "| Name | Description |", "|------|-------------|"]
        for name, body in outputs:
            out.append(f"| `{name}` | {cell(text_of(attribute(body, 'description')))} |")
        out.append("")
    return "\n".join(out)

def main(argv):
    mode, modules = argv[0], argv[1:]
    if mode not in ("--write", "--check") or not modules: sys.exit(__doc__)
    bad = 0
    for module in modules:
        readme = os.path.join(module, "README.md")
        text = open(readme).read() if os.path.exists(readme) else ""
        block = f"{BEGIN}\n{tables(module)}{END}"
        current = re.search(re.escape(BEGIN) + ".*?" + re.escape(END), text, re.S)
        if mode == "--write":
            text = text[:current.start()] + block + text[current.end():] if current else text.rstrip("\n") + "\n\n" + block + "\n"
            open(readme, "w").write(text)
        elif not current or current.group(0) != block:
            bad += 1
            print(f"tf-docs: {readme} does not have the current Inputs/Outputs tables: run python3 eng/tools/tf-docs.py --write {module}")
    sys.exit(1 if bad else 0)

if __name__ == "__main__":
    main(sys.argv[1:])
