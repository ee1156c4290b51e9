#!/usr/bin/env python3
# Usage: scripts/gen-gson-like-repo.py DIR [COMMITS]   (needs git; python 3.8+; no network)
# A generated repository with the patterns issue 24 measured on google/gson, at its rates:
# release-plugin commits ~3%, bot-authored ~10%, squash-merged dependabot PRs, "(#n)" on ~27% of
# human subjects, sign-off / co-author / Change-Id trailers, docs with anchors and repeated headings,
# code with tests (~1/3 of code). Deterministic (seed 24).
import os, random, subprocess, sys
root = sys.argv[1]; n = int(sys.argv[2]) if len(sys.argv) > 2 else 500
r = random.Random(24)
os.makedirs(root, exist_ok=True)
def git(*a, env=None):
    subprocess.run(["git", "-C", root, *a], check=True, stdout=subprocess.DEVNULL, env=env)
git("init", "-q", "-b", "main")
t = 1_600_000_000
def commit(msg, name="Dev One", email="dev1@example.com"):
    global t
    t += 3600
    env = dict(os.environ, GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=email, GIT_COMMITTER_NAME=name,
               GIT_COMMITTER_EMAIL=email, GIT_AUTHOR_DATE=f"{t} +0000", GIT_COMMITTER_DATE=f"{t} +0000")
    git("add", "-A", env=env); git("commit", "-q", "--no-gpg-sign", "-m", msg, env=env)
def write(rel, text):
    p = os.path.join(root, rel); os.makedirs(os.path.dirname(p), exist_ok=True); open(p, "w").write(text)
verbs = ["Fix", "Add", "Support", "Handle", "Reject", "Document", "Simplify", "Speed up", "Deprecate", "Test"]
things = ["null values", "nested generics", "enum constants", "lenient parsing", "pretty printing", "field naming",
          "type adapters", "records", "sealed classes", "big decimals", "date formats", "cyclic references",
          "excluded fields", "unicode escapes", "streaming writes", "map keys", "array lengths", "version numbers"]
where = ["JsonReader", "JsonWriter", "Gson", "GsonBuilder", "TypeToken", "ReflectiveTypeAdapterFactory",
         "JsonParser", "JsonTreeReader", "ObjectTypeAdapter", "MapTypeAdapterFactory", "Excluder", "TypeAdapters"]
devs = [("Inderjeet Singh", "inder@example.com"), ("Marcono1234", "marcono@example.com"), ("eamonnmcmanus",
        "emcmanus@example.com"), ("Jesse Wilson", "jesse@example.com"), ("Lyubomyr", "lyubomyr@example.com")]
write("README.md", "# Gson-like\n\nA JSON library, generated for SAM's data measurements.\n\n"
      "## <a name=\"usage\"></a>Usage\n\nCreate a `Gson` instance and call `toJson(obj)` or `fromJson(json, type)`; "
      "instances are immutable and thread-safe, so share one.\n\n"
      "## [Download](#download) {#download}\n\nAdd the dependency `com.example:gson-like:2.10` with Maven or Gradle; "
      "the library has no dependencies of its own.\n")
write("UserGuide.md", "# User Guide\n\n## <a name=\"TOC-Using-Gson\"></a>Usage\n\nThe primary class is `Gson`, "
      "created with `new Gson()` or a `GsonBuilder` for settings such as versioning and pretty printing.\n\n"
      "## <a name=\"TOC-Primitives-Examples\"></a>Primitives Examples\n\nSerializing `1` gives `1`, a string gives "
      "a quoted JSON string, and arrays of primitives give JSON arrays of their values.\n\n"
      "## Examples\n\nSee the examples directory: each file shows one feature of the library end to end.\n")
write("extras/README.md", "# Extras\n\n## Usage\n\nAdd the extras artifact and register the adapters you need with "
      "`GsonBuilder.registerTypeAdapterFactory` before creating the `Gson` instance.\n")
write("proto/README.md", "# Proto\n\n## Usage\n\nThe proto module maps protocol buffer messages to JSON; configure the "
      "field naming policy to match your proto files before serializing any message.\n")
commit("Initial documentation of the library and its user guide")
pr = 100
for i in range(n):
    pr += r.randint(1, 4)
    x = r.random()
    if x < 0.03:
        write("pom.xml", f"<project><version>2.{i}</version></project>\n")
        commit(f"[maven-release-plugin] prepare release gson-parent-2.{i}" if i % 2 == 0 else
               "[maven-release-plugin] prepare for next development iteration")
        continue
    if x < 0.13:
        write(f".github/workflows/build{i % 7}.yml", f"on: push\njobs:\n  build:\n    steps:\n      - uses: actions/setup-java@v{i % 5 + 2}  # {i}\n")
        commit(f"Bump actions/setup-java from {i % 5 + 1} to {i % 5 + 2}", "dependabot[bot]",
               "49699333+dependabot[bot]@users.noreply.github.com")
        continue
    if x < 0.145:
        write("pom.xml", f"<project><dependency>junit 4.13.{i}</dependency></project>\n")
        commit(f"Bump junit:junit from 4.13.{i - 1} to 4.13.{i} (#{pr})\n\nBumps [junit:junit](https://github.com/junit-team/junit4)"
               f" from 4.13.{i - 1} to 4.13.{i}.\n- [Release notes](https://github.com/junit-team/junit4/releases)\n\n---\n"
               "updated-dependencies:\n- dependency-name: junit:junit\n  dependency-type: direct:development\n"
               "  update-type: version-update:semver-patch\n...\n\nSigned-off-by: dependabot[bot] <support@github.com>",
               *devs[0])
        continue
    cls = r.choice(where); thing = r.choice(things); verb = r.choice(verbs)
    test = r.random() < 0.35
    path = f"src/{'test' if test else 'main'}/java/com/example/{cls}{'Test' if test else ''}{i}.java"
    write(path, f"package com.example;\n\n/** {verb} {thing} in {cls}. */\npublic class {cls}{'Test' if test else ''}{i} {{\n"
          f"    /**\n     * {verb}s {thing} of the given value (case {i}).\n     *\n     * @param v the value\n"
          f"     * @return the result for {thing}\n     */\n    public int handle{i}(int v) {{\n"
          f"        int w = v * {r.randint(2, 97)} + {i};\n        return w > {r.randint(10, 999)} ? w : -w;\n    }}\n}}\n")
    msg = f"{verb} {thing} in {cls}" + (" tests" if test else "")
    if r.random() < 0.27:
        msg += f" (#{pr})"
    if r.random() < 0.4:
        msg += f"\n\nCase {i}: {thing} in {cls} were handled inconsistently with the documentation."
    trailers = []
    if r.random() < 0.12: trailers.append(f"Signed-off-by: {devs[i % 5][0]} <{devs[i % 5][1]}>")
    if r.random() < 0.05: trailers.append(f"Co-authored-by: {devs[(i + 1) % 5][0]} <{devs[(i + 1) % 5][1]}>")
    if r.random() < 0.03: trailers.append(f"Change-Id: I{r.getrandbits(160):040x}")
    if trailers: msg += "\n\n" + "\n".join(trailers)
    commit(msg, *devs[i % 5])
