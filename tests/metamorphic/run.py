#!/usr/bin/env python3
"""Metamorphic test: the verdict must not change when a bounce travels.

Every message of the given sets (the corpus, laid out as emails/ and
expected.jsonl; the samples/ tree) is transformed the ways bounces are
transformed on their way to a list operator (transform.py), scanned, and
compared with the scan of the untransformed message: a row is unchanged
when the same recipient comes out with the same class and reason. With
--lofo the corpus is also read without each family's own rules (as
../shared/tools/lofo does), original and transformed alike.

usage: run.py --bin BIN [--corpus DIR] [--samples DIR] [--lofo]
              [--floor PCT] [--lofo-floor PCT] [--floor-for T=PCT]...
              [--only T,T] [--verbose]
Exit 1 when a transformation keeps fewer rows than its floor.
"""
import argparse, collections, json, os, re, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from transform import TRANSFORMS  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--bin", required=True)
ap.add_argument("--rules", default=os.path.join(os.path.dirname(__file__), "..", "..", "rules"))
ap.add_argument("--corpus")
ap.add_argument("--samples")
ap.add_argument("--lofo", action="store_true")
ap.add_argument("--floor", type=float, default=0.0)
ap.add_argument("--lofo-floor", type=float, default=0.0)
ap.add_argument("--floor-for", action="append", default=[],
                help="T=PCT: the floor of one transformation, full rules and without (e.g. no-returned=95)")
ap.add_argument("--only")
ap.add_argument("--verbose", action="store_true")
a = ap.parse_args()
rules = os.path.abspath(a.rules)
floor_for = {k: float(v) for k, v in (x.split("=", 1) for x in a.floor_for)}
names = a.only.split(",") if a.only else list(TRANSFORMS)

# the inputs: name -> (path, family)
inputs = {}
if a.corpus:
    for line in open(os.path.join(a.corpus, "expected.jsonl")):
        o = json.loads(line)
        inputs["corpus/" + o["file"]] = (os.path.join(a.corpus, "emails", o["file"]), o["family"])
if a.samples:
    for root, _, files in os.walk(a.samples):
        for f in sorted(files):
            if f.endswith(".eml"):
                rel = os.path.relpath(os.path.join(root, f), a.samples)
                inputs["samples/" + rel.replace(os.sep, "__")] = (os.path.join(root, f), None)

def scan(paths, rules_dir, all_records=False):
    """key -> sorted list of (recipient, class, reason)"""
    out = collections.defaultdict(list)
    mtas = collections.defaultdict(set)
    args = [a.bin, "scan", "--quiet", "--format", "json"] + (["--all"] if all_records else []) + paths
    p = subprocess.run(args, capture_output=True, text=True, env=dict(os.environ, BOUNCEKIT_RULES=rules_dir))
    for line in p.stdout.splitlines():
        o = json.loads(line)
        key = os.path.basename(o["source"])
        mtas[key].add(o.get("mta"))
        if o["class"] == "none" and all_records:
            continue
        out[key].append(((o["recipient"] or "").lower(), o["class"], o["reason"]))
    return out, mtas

def compare(base, got):
    """(rows kept, rows in all, rows added)"""
    kept = total = added = 0
    for key, rows in base.items():
        have = collections.Counter(got.get(key, []))
        for r in rows:
            total += 1
            if have[r] > 0:
                have[r] -= 1
                kept += 1
    for key, rows in got.items():
        extra = collections.Counter(rows) - collections.Counter(base.get(key, []))
        added += sum(extra.values())
    return kept, total, added

tmp = tempfile.mkdtemp(prefix="bk-metamorphic-")
try:
    # write every transformed copy; keys are flattened file names
    orig_dir = os.path.join(tmp, "orig")
    os.makedirs(orig_dir)
    applied = collections.defaultdict(list)   # transform -> keys
    for key, (path, _) in inputs.items():
        flat = key.replace("/", "__")
        raw = open(path, "rb").read()
        with open(os.path.join(orig_dir, flat), "wb") as f:
            f.write(raw)
        for t in names:
            try:
                out = TRANSFORMS[t](raw)
            except Exception as e:   # a message Python's parser cannot take
                print(f"  {t}: {key}: not transformed ({e.__class__.__name__})", file=sys.stderr)
                out = None
            if out is None:
                continue
            d = os.path.join(tmp, t)
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, flat), "wb") as f:
                f.write(out)
            applied[t].append(flat)

    base, mtas = scan([orig_dir], rules)
    failed = []
    print(f"{'transformation':<18} {'messages':>8}  {'rows kept (full rules)':>24}  {'added':>5}", end="")
    print(f"  {'rows kept (no family rules)':>28}" if a.lofo else "")
    lofo_results = {}
    if a.lofo and a.corpus:
        # the families' own rules, as ../shared/tools/lofo finds them
        fam_of = {k.replace("/", "__"): fam for k, (_, fam) in inputs.items() if fam}
        _, mtas_all = scan([orig_dir], rules, all_records=True)
        readers = collections.defaultdict(set)
        for key, ms in mtas_all.items():
            f = fam_of.get(key)
            if f and f != "rfc3464":
                for m in ms:
                    if m:
                        readers[m].add(f)
        generic = {"generic", "rfc3464", "rfc6533", "arf", "feedback", "rfc3834", "dsn"}
        own_formats = collections.defaultdict(set)
        for fmt, fs in readers.items():
            if len(fs) == 1 and fmt not in generic:
                own_formats[next(iter(fs))].add(fmt)
        rule_files = sorted(f for f in os.listdir(rules) if f.endswith(".rules"))
        fams = collections.defaultdict(list)
        for k, f in fam_of.items():
            fams[f].append(k)
        for fam, keys in sorted(fams.items()):
            name = fam.split("-", 1)[1] if "-" in fam else fam
            own = [f for f in rule_files if re.fullmatch(r"\d+-" + re.escape(name) + r"\.rules", f)]
            drop = own_formats.get(fam, set())
            if not own and not drop:
                continue
            rd = os.path.join(tmp, "rules-" + fam)
            os.makedirs(rd)
            for f in rule_files:
                if f in own:
                    continue
                out, skipping = [], False
                for line in open(os.path.join(rules, f), encoding="utf-8", errors="surrogateescape"):
                    if line[:1] not in (" ", "\t", "\n", "\r") and line.strip():
                        m = re.match(r"format\s+(\S+)", line)
                        skipping = bool(m and m.group(1) in drop)
                    if not skipping:
                        out.append(line)
                with open(os.path.join(rd, f), "w", encoding="utf-8", errors="surrogateescape") as fp:
                    fp.writelines(out)
            paths = [os.path.join(orig_dir, k) for k in keys]
            fbase, _ = scan(paths, rd)
            tpaths = [os.path.join(tmp, t, k) for t in names for k in keys if os.path.exists(os.path.join(tmp, t, k))]
            # one scan for every transformation: keep them apart by directory
            p = subprocess.run([a.bin, "scan", "--quiet", "--format", "json"] + tpaths, capture_output=True,
                               text=True, env=dict(os.environ, BOUNCEKIT_RULES=rd))
            got = collections.defaultdict(lambda: collections.defaultdict(list))
            for line in p.stdout.splitlines():
                o = json.loads(line)
                t = os.path.basename(os.path.dirname(o["source"]))
                got[t][os.path.basename(o["source"])].append(((o["recipient"] or "").lower(), o["class"], o["reason"]))
            for t in names:
                sub = {k: v for k, v in fbase.items() if os.path.exists(os.path.join(tmp, t, k))}
                kept, total, added = compare(sub, got[t])
                if a.verbose:
                    for k in sorted(sub):
                        if collections.Counter(sub[k]) != collections.Counter(got[t].get(k, [])):
                            print(f"    {t} without {fam}'s rules: {k}: {sub[k]} -> {got[t].get(k, [])}")
                c = lofo_results.setdefault(t, [0, 0])
                c[0] += kept
                c[1] += total
    for t in names:
        keys = set(applied[t])
        if not keys:
            continue
        got, _ = scan([os.path.join(tmp, t)], rules)
        sub = {k: v for k, v in base.items() if k in keys}
        kept, total, added = compare(sub, got)
        pct = 100.0 * kept / max(total, 1)
        line = f"{t:<18} {len(keys):>8}  {pct:>17.2f}% {kept:>3}/{total:<3}  {added:>5}"
        floor = floor_for.get(t, a.floor)
        if pct < floor:
            failed.append(f"{t} {pct:.2f} < {floor}")
        if t in lofo_results:
            lk, lt = lofo_results[t]
            lp = 100.0 * lk / max(lt, 1)
            line += f"  {lp:>21.2f}% {lk:>3}/{lt:<3}"
            lfloor = min(floor_for.get(t, a.lofo_floor), a.lofo_floor) if t in floor_for else a.lofo_floor
            if lp < lfloor:
                failed.append(f"{t} without family rules {lp:.2f} < {lfloor}")
        print(line)
        if a.verbose:
            for k in sorted(sub):
                if collections.Counter(sub[k]) != collections.Counter(got.get(k, [])):
                    print(f"    {k}: {sub[k]} -> {got.get(k, [])}")
    print("metamorphic floors: " + ("; ".join(failed) if failed else "held"))
    sys.exit(1 if failed else 0)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
