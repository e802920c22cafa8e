#!/usr/bin/env python3
"""Every contract message documents the errors it can answer and the events it emits, as the
ink! integration tests do: a `# Errors` and an `# Events` section at the end of its doc comment,
derived from the code, so the docs cannot drift.

What counts (what the code can answer, found by following its calls: a superset of what one call
meets): `Error::X` in the message's body and in every function of its contract it calls
(transitively), the errors of the shared helpers it calls (governance, id counters, the
per-patient index, cross-contract calls, the restriction queue), and `emit_event(X` likewise. A
cross-contract call adds `Downstream` with the callee; logging adds the audit log's `Appended`.

    python3 scripts/message-docs.py          rewrite the sections in contracts/*/lib.rs
    python3 scripts/message-docs.py --check  exit 1 when a section is missing or out of date
"""
import glob
import re
import sys
import textwrap

# Errors and events of the shared helpers (contracts/common), by the call that reaches them.
HELPERS = [
    (r"\.gov\.enter\(Pause::Stops\)", {"Paused"}, set()),
    (r"\.gov\.ensure_admin\(", {"NotAdmin"}, set()),
    (r"\.gov\.ensure_governor\(", {"NotGovernor"}, set()),
    (r"\.gov\.govern\(", {"NotAdmin", "NotGovernor", "ZeroAccount", "NoPendingAdmin",
                          "NotPendingAccount", "GovernorExists", "GovernorNotFound", "Overflow"},
     {"AdminProposed", "AdminChanged", "GovernorAdded", "GovernorRemoved", "PauseChanged"}),
    (r"\bensure_nonzero\(", {"ZeroAccount"}, set()),
    (r"\bnext_id\(", {"Overflow"}, set()),
    (r"\.patient_\w+\s*\.push\(", {"Overflow"}, set()),
    (r"\.deferred\s*\.log\(", set(), {"AuditDeferred"}),
    (r"\.deferred\s*\.flush\(", {"Empty"}, {"AuditFlushed"}),
]
CALLEES = {"Access": "access", "AuditLog": "audit log", "Provenance": "provenance",
           "Registry": "registry", "Consent": "consent"}
SECTION = re.compile(r"(\n\s*///\s*\n)?(\s*/// # Errors\n(\s*///.*\n)*?)?(\s*///\s*\n)?(\s*/// # Events\n(\s*///.*\n)*?)?(?=\s*#\[ink\(message)")


def functions(src):
    """name -> body text of every `fn` with a body."""
    out = {}
    for m in re.finditer(r"\bfn (\w+)\s*(<[^>{]*>)?\s*\(", src):
        brace = src.find("{", m.end())
        semi = src.find(";", m.end())
        if brace < 0 or (0 <= semi < brace):
            continue
        depth, j = 0, brace
        while j < len(src):
            depth += {"{": 1, "}": -1}.get(src[j], 0)
            if depth == 0:
                break
            j += 1
        out.setdefault(m.group(1), []).append(src[brace:j + 1])
    return out


def reach(name, fns, seen):
    """Errors, events and callees reachable from function `name`."""
    errors, events, callees = set(), set(), set()
    if name in seen:
        return errors, events, callees
    seen.add(name)
    for body in fns.get(name, []):
        errors |= set(re.findall(r"Error::(\w+)", body))
        events |= set(re.findall(r"emit_event\((\w+)", body))
        callees |= set(re.findall(r"Callee::(\w+)", body))
        if "xcall::audit(" in body:
            callees.add("AuditLog")
        for pattern, e, v in HELPERS:
            if re.search(pattern, body):
                errors |= e
                events |= v
                if ".deferred" in pattern or "flush" in pattern:
                    callees.add("AuditLog")
        for called in set(re.findall(r"(?:self|Self)\s*\.\s*(\w+)\s*\(", body)) | set(
                re.findall(r"Self::(\w+)\s*\(", body)):
            if called in fns and called != name:
                e, v, c = reach(called, fns, seen)
                errors |= e
                events |= v
                callees |= c
    if callees:
        errors.add("Downstream")
    return errors, events, callees


def sections(indent, name, fns, returns_result):
    errors, events, callees = reach(name, fns, set())
    errors.discard("Downstream") if not callees else None
    lines = [f"{indent}///", f"{indent}/// # Errors"]
    if not returns_result:
        lines.append(f"{indent}/// None: it answers a value, never a refusal.")
    elif errors:
        named = ", ".join(f"`{e}`" for e in sorted(errors - {"Downstream"}))
        if "Downstream" in errors:
            who = ", ".join(sorted(CALLEES.get(c, c) for c in callees))
            named = f"{named}; `Downstream` (a refusal or failure of: {who})" if named else \
                f"`Downstream` (a refusal or failure of: {who})"
        lines += wrapped(indent, f"{named}.")
    else:
        lines.append(f"{indent}/// None.")
    lines += [f"{indent}///", f"{indent}/// # Events"]
    own = ", ".join(f"`{e}`" for e in sorted(events))
    if "AuditLog" in callees:
        own = f"{own}; the audit log's `Appended`" if own else "The audit log's `Appended`"
    lines += wrapped(indent, f"{own or 'None'}.")
    return "\n".join(lines) + "\n"


def wrapped(indent, text):
    width = max(40, 100 - len(indent) - 4)
    return [f"{indent}/// {line}" for line in textwrap.wrap(text, width, break_on_hyphens=False)]


def rewrite(src):
    fns = functions(src)
    out, pos = [], 0
    for m in re.finditer(r"\n([ \t]*)#\[ink\(message[^\]]*\]\n[ \t]*(?:pub )?fn (\w+)\s*\(", src):
        start = m.start()
        # The doc comment directly above the attribute, without its generated sections.
        doc_end = start + 1
        block_start = doc_end
        while True:
            prev = src.rfind("\n", 0, block_start - 1)
            line = src[prev + 1:block_start - 1] if prev >= 0 else ""
            if line.strip().startswith("///"):
                block_start = prev + 1
            else:
                break
        doc = src[block_start:doc_end]
        kept = re.split(r"\n[ \t]*///\s*\n[ \t]*/// # Errors\n", "\n" + doc, maxsplit=1)[0][1:]
        if kept and not kept.endswith("\n"):
            kept += "\n"
        signature_end = src.find("{", m.end())
        returns_result = "Result<" in src[m.end():signature_end]
        indent = m.group(1)
        out.append(src[pos:block_start])
        out.append(kept)
        out.append(sections(indent, m.group(2), fns, returns_result))
        pos = doc_end
    out.append(src[pos:])
    return "".join(out)


def main():
    check = "--check" in sys.argv
    stale = []
    for path in sorted(glob.glob("contracts/*/lib.rs")):
        src = open(path).read()
        new = rewrite(src)
        if new != src:
            stale.append(path)
            if not check:
                open(path, "w").write(new)
    if check and stale:
        print("message docs (# Errors, # Events) are out of date in: " + ", ".join(stale)
              + "\nrun: python3 scripts/message-docs.py", file=sys.stderr)
        sys.exit(1)
    if not check:
        print(f"message docs rewritten in {len(stale)} file(s)")


if __name__ == "__main__":
    main()
