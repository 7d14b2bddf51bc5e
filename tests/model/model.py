"""The model-based random test of preg (issue 10, item 8).

A seeded generator runs random sequences of preg commands over two or three
clones of one bare remote, each clone with its own acting users, its own git
identity and its own clock, and after every step checks what must hold on
the clone that moved (see INVARIANTS in README.md beside this file):

  verify, check     preg verify and preg check pass;
  log               preg log ID lists exactly the commits git log -- PATH
                    lists, newest first, each with the acting user who made
                    that step;
  as-of             preg report --as-of D equals the plain report of the
                    commit that was current at the end of D;
  diff              preg diff A B names exactly the records whose files
                    differ (git diff --name-only A B); preg diff --since D
                    names the records changed since the first change made
                    on or after D;
  status            stale, due and overdue agree across client show, client
                    list, report and remind;
  items             every note and every event text written, and every
                    client added, that this clone has seen is there exactly
                    once (or not at all when it was undone);
  refusal           a step preg refused (exit 1) changed nothing: no
                    commit, the same work tree; a step that succeeded made
                    exactly one commit by the acting user;
  output            exit 0, 1 or 2 only; a refusal says one error line;
  final             after a last round of syncs every clone has the remote's
                    tip and tree, and the items invariant holds for all.

Only the standard library is used. The generator writes a trace (every
step as data) so that a run can be replayed exactly and reduced.
"""

import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone

TZ = timezone(timedelta(hours=5))  # every clone keeps Yekaterinburg time
BASE = int(datetime(2026, 11, 2, 9, 0, tzinfo=TZ).timestamp())
DAY = 86400

# The freight template (SPEC 3): stale limits in days, reversible, ending.
STALE = {1: 14, 2: 14, 3: 30, 4: 2, 5: 3, 6: 14, 7: 30, 8: 7, 9: 30,
         10: 60, 11: 14, 12: None}
REVERSIBLE = {4, 5, 6, 7, 10}
ENDING = {11, 12}

USERS = [["ivanov", "smirnova"], ["petrov", "kuznetsova"],
         ["sidorov", "head"]]
IDENTITY = ["Рабочее место 1", "Рабочее место 2", "Рабочее место 3"]
SURNAMES = {"ivanov": "Иванов", "smirnova": "Смирнова", "petrov": "Петров",
            "kuznetsova": "Кузнецова", "sidorov": "Сидоров", "head": None}

FORMS = ["ООО", "ООО", "ООО", "АО", "ПАО", "ЗАО", "ИП"]
WORDS = ["Ромашка", "Байкал-Вода", "Уралсталь", "Север-Транс", "Вектор",
         "Меридиан", "Сибирский лес", "Полюс", "Катунь", "Таймыр",
         "Челябинский трубопрокатный завод", "Ёлка и Щука", "Магистраль",
         "Транспортно-экспедиционная компания «Уральский логистический "
         "центр»", "Восток-Запад", "Енисей", "Кедр", "Амур", "Волга-Днепр",
         "Жёлтая река", "Щит", "Лукоморье"]
CITIES = ["Екатеринбург", "Челябинск", "Тюмень", "Пермь", "Омск", "Курган",
          "Уфа", "Новосибирск"]
PHRASES = ["звонок директору", "отправили коммерческое предложение",
           "встреча в офисе клиента", "просят ставки на Китай",
           "договор на согласовании у юристов", "первая отгрузка 20 т",
           "письмо с прайсом", "перезвонить после праздников",
           "a long note about rail rates to Chelyabinsk and back again, "
           "with the director's remarks on the price of the last carriage"]
CHANNELS = ["call", "email", "meeting", "letter", "chat", "other"]

TOKEN_RE = re.compile(r"\bt\d+k\d+\b")
KEY_RE = re.compile(r"^([a-z_]+):", re.M)


def fmt_time(t):
    return datetime.fromtimestamp(t, TZ).isoformat()


def day_of(t):
    return datetime.fromtimestamp(t, TZ).date()


def parse_time(s):
    return int(datetime.fromisoformat(s).timestamp())


def sections(text):
    """The top-level keys of a record in its canonical form: key -> text."""
    out = {}
    marks = [(m.start(), m.group(1)) for m in KEY_RE.finditer(text)]
    for i, (pos, key) in enumerate(marks):
        end = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        out[key] = text[pos + len(key) + 1:end]
    return out


def scalar(text, key):
    m = re.search(r"^%s: (.*)$" % re.escape(key), text, re.M)
    return m.group(1).strip() if m else None


def history_entries(text):
    """The history entries of a record: one string per '- {...}' entry."""
    h = sections(text).get("history", "")
    entries = re.split(r"\n  - ", "\n" + h.strip("\n").lstrip())
    return [" ".join(e.split()) for e in entries if e.strip()]


def entry_time(entry):
    m = re.search(r"\bat: ([0-9T:+\-]+)", entry)
    return parse_time(m.group(1)) if m else None


class Failure(Exception):
    pass


class Run:
    """One run: a work directory, a remote, the clones, the model."""

    def __init__(self, opts):
        self.o = opts
        self.seed = opts.seed
        self.rng = random.Random(self.seed)
        self.preg = os.path.abspath(opts.preg)
        self.dir = opts.dir or tempfile.mkdtemp(prefix="preg-model-%d-" % self.seed)
        os.makedirs(self.dir, exist_ok=True)
        self.remote = os.path.join(self.dir, "remote.git")
        self.nclones = opts.clones or (2 + self.seed % 2)
        self.clones = []
        self.step_no = 0
        self.trace = []
        self.failures = []
        self.seen_keys = set()
        self.commit_step = {}      # author time -> step that made it
        self.steps_by_no = {}
        self.items = {}            # token -> item
        self.undo_target = {}      # undo step -> step it took back
        self.uncertain = set()     # tokens that may be gone (an rm)
        self.remote_known = set()  # step numbers whose effect the remote has
        self.used_times = set()
        self.paths = {}            # id -> record path, from every diff seen
        self.stats = {"steps": 0, "refused": 0, "commands": 0, "checks": 0,
                      "asof_skipped": 0, "asof_compared": 0}
        self.env = self._env()
        self.current = None
        self.all_names = set()
        self.harness_error = None

    # ---- processes -------------------------------------------------------

    def _env(self):
        home = os.path.join(self.dir, "home")
        bindir = os.path.join(self.dir, "bin")
        os.makedirs(home, exist_ok=True)
        os.makedirs(bindir, exist_ok=True)
        link = os.path.join(bindir, "preg")
        if not os.path.lexists(link):
            os.symlink(self.preg, link)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("PREG_", "GIT_", "XDG_"))
               and k not in ("VISUAL", "EDITOR")}
        env.update(HOME=home, PATH=bindir + os.pathsep + env.get("PATH", ""),
                   PREG_NO_GC="1", NO_COLOR="1", TZ="UTC", LC_ALL="C.UTF-8",
                   GIT_CONFIG_NOSYSTEM="1", PREG_LOCK_TIMEOUT="30")
        cfg = os.path.join(home, ".gitconfig")
        if not os.path.exists(cfg):
            with open(cfg, "w") as f:
                f.write("[user]\n\tname = Model Harness\n\temail = harness@example.com\n"
                        "[init]\n\tdefaultBranch = main\n")
        return env

    def git(self, cwd, *args, check=True, env=None):
        p = subprocess.run(["git", "-C", cwd] + list(args), env=env or self.env,
                           stdin=subprocess.DEVNULL, capture_output=True)
        if check and p.returncode != 0:
            raise RuntimeError("git %s in %s: %s" % (" ".join(args), cwd,
                                                     p.stderr.decode(errors="replace")))
        return p.stdout.decode(errors="replace")

    def pregrun(self, cwd, args, user, now, extra=None, timeout=120):
        env = dict(self.env)
        env["PREG_USER"] = user
        env["PREG_NOW"] = now
        if extra:
            env.update(extra)
        argv = [self.preg, "-C", cwd] + args
        self.stats["commands"] += 1
        try:
            p = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL,
                               capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return 124, "", "(timed out after %d s)" % timeout
        return (p.returncode, p.stdout.decode(errors="replace"),
                p.stderr.decode(errors="replace"))

    # ---- failures --------------------------------------------------------

    def fail(self, check, clone, detail, key=None):
        """Record a broken invariant. Distinct classes are told apart by
        check and key (the detail with hashes and numbers taken out)."""
        norm = key if key is not None else re.sub(r"\b[0-9a-f]{7,40}\b|\d+", "#",
                                                  detail.split("\n")[0])
        k = (check, norm)
        if k in self.seen_keys:
            return
        self.seen_keys.add(k)
        st = self.current or {}
        f = {"seed": self.seed, "step": self.step_no, "check": check,
             "clone": clone.name if clone else None,
             "command": st.get("show", "(final round)"), "detail": detail,
             "key": "%s: %s" % k}
        self.failures.append(f)
        if not getattr(self.o, "silent", False):
            print(self.describe(f), file=sys.stderr, flush=True)
        if not self.o.keep_going or check == getattr(self.o, "until", None):
            raise Failure()

    def describe(self, f):
        lines = ["FAIL seed %d step %d [%s] on %s" % (f["seed"], f["step"], f["check"],
                                                    f["clone"]),
                 "  command: %s" % f["command"]]
        for l in f["detail"].rstrip("\n").split("\n")[:30]:
            lines.append("  | " + l)
        lines.append("  replay: " + self.replay_line(f["step"]))
        lines.append("  registers kept in %s" % self.dir)
        return "\n".join(lines)

    def replay_line(self, step):
        if self.o.replay:
            return "tests/model/run --replay %s" % self.o.replay
        args = ["tests/model/run", "--seed", str(self.seed), "--steps",
                str(min(step, self.o.steps))]
        if self.nclones != 2 + self.seed % 2:
            args += ["--clones", str(self.nclones)]
        if self.o.actions:
            args += ["--actions", ",".join(self.o.actions)]
        if self.o.no_skew:
            args += ["--no-skew"]
        if self.o.no_collide:
            args += ["--no-collide"]
        if self.o.one_writer:
            args += ["--one-writer"]
        if self.o.inject:
            args += ["--inject", self.o.inject, "--inject-at", str(self.o.inject_at)]
        return " ".join(args)

    # ---- the world -------------------------------------------------------

    def setup(self):
        subprocess.run(["git", "init", "-q", "--bare", self.remote], env=self.env,
                       check=True)
        c0 = Clone(self, 0)
        now = self.unique_time(BASE)
        rc, out, err = self.pregrun(self.dir, ["init", "--remote", self.remote, c0.path],
                                    c0.users[0], fmt_time(now))
        if rc != 0:
            raise RuntimeError("preg init failed: " + err)
        c0.configure()
        c0.clock = now
        self.clones.append(c0)
        rc, out, err = self.pregrun(c0.path, ["sync"], c0.users[0], fmt_time(now + 1))
        if rc != 0:
            raise RuntimeError("first sync failed: " + err)
        for i in range(1, self.nclones):
            c = Clone(self, i)
            rc, out, err = self.pregrun(self.dir, ["clone", self.remote, c.path],
                                        c.users[0], fmt_time(now))
            if rc != 0:
                raise RuntimeError("preg clone failed: " + err)
            c.configure()
            c.clock = now
            self.clones.append(c)
        for c in self.clones:
            c.refresh()
        self.world = now

    def unique_time(self, t):
        while t in self.used_times:
            t += 1
        self.used_times.add(t)
        return t

    def token(self, k):
        return "t%dk%d" % (self.step_no, k)

    # ---- generation ------------------------------------------------------

    def generate(self):
        """Pick the next step: the clone, its clock, the action, as data."""
        r = self.rng
        c = self.clones[0] if self.o.one_writer else r.choice(self.clones)
        # The world moves on; each clone's clock is the world's plus its skew.
        self.world += r.choice([r.randint(60, 40 * 60)] * 12 + [r.randint(1, 5) * DAY] * 2)
        if self.o.no_skew:
            c.skew = 0
        elif r.random() < 0.04:
            c.skew = r.choice([0, r.randint(-90, 90) * 60, r.randint(-3, 3) * DAY,
                               -r.randint(1, 3) * 3600])
        now = self.unique_time(max(self.world + c.skew, BASE + 1))
        st = {"n": self.step_no, "clone": c.idx, "user": r.choice(c.users),
              "now": fmt_time(now), "items": []}
        ids = sorted(c.records)
        weights = [("note", 18), ("phase", 14), ("next", 5), ("add", 10), ("set", 9),
                   ("edit", 4), ("hold", 4), ("unhold", 2), ("reassign", 3), ("rm", 2),
                   ("import", 3), ("undo", 4), ("sync", 13), ("handedit", 1),
                   ("handfix", 4 if c.dirty else 0)]
        if not ids:
            weights = [("add", 5), ("import", 2), ("sync", 3)]
        if self.o.actions:
            weights = [(a, w) for a, w in weights if a in self.o.actions] or [("add", 1)]
        total = sum(w for _, w in weights)
        x = r.uniform(0, total)
        for action, w in weights:
            x -= w
            if x <= 0:
                break
        getattr(self, "gen_" + action)(st, c, ids, now)
        st["action"] = action
        return st

    def pick(self, ids):
        return self.rng.choice(ids)

    def text(self, k):
        return "%s %s" % (self.rng.choice(PHRASES), self.token(k))

    def date(self, now, lo, hi):
        return (day_of(now) + timedelta(days=self.rng.randint(lo, hi))).isoformat()

    def new_name(self, c, collide=True):
        r = self.rng
        if collide and not self.o.no_collide and r.random() < 0.15:
            # Another clone's offline add of the same client: both keep it,
            # the sync renames one (SPEC 8).
            pending = [n for o in self.clones if o is not c for n in o.pending_adds
                       if n not in c.names_seen]
            if pending:
                return r.choice(pending)
        while True:
            form = r.choice(FORMS)
            if form == "ИП":
                name = "ИП %s %s" % (r.choice(["Иванов", "Петрова", "Соколов", "Ёжиков"]),
                                    r.choice(["А. А.", "Б. В.", "Г. Д."]))
            else:
                name = "%s «%s»" % (form, r.choice(WORDS))
            name += " " + r.choice(CITIES) + " " + str(r.randint(1, 999))
            if name not in self.all_names:
                self.all_names.add(name)
                return name

    def gen_add(self, st, c, ids, now):
        r = self.rng
        name = self.new_name(c)
        args = ["client", "add", name]
        if r.random() < 0.3:
            args += ["--manager", r.choice(c.users + [r.choice(USERS)[0]])]
        if r.random() < 0.3:
            args += ["--phase", str(r.randint(1, 10))]
        if r.random() < 0.3:
            args += ["--tag", r.choice(["china", "steel", "rail", "лес"])]
        if r.random() < 0.3:
            args += ["--field", "direction=%s - %s" % (r.choice(CITIES), r.choice(CITIES))]
        if r.random() < 0.2:
            args += ["--contact", "Сергей Петров <s%d@example.com>; директор; +7 351 %07d"
                     % (self.step_no, self.step_no)]
        if r.random() < 0.3:
            args += ["--next", self.date(now, -3, 20)]
        if r.random() < 0.2:
            args += ["--action", "позвонить"]
        st["argv"] = args
        st["add_name"] = name
        st["items"].append({"kind": "created", "token": fmt_time(now)})

    def gen_note(self, st, c, ids, now):
        r = self.rng
        args = ["note", self.pick(ids), self.text(1)]
        if r.random() < 0.5:
            args += ["--channel", r.choice(CHANNELS)]
        if r.random() < 0.3:
            args += ["--next", self.date(now, -2, 20)]
        if r.random() < 0.2:
            args += ["--action", "отправить договор"]
        st["argv"] = args
        st["items"].append({"kind": "text", "token": self.token(1)})

    def gen_phase(self, st, c, ids, now):
        r = self.rng
        cid = self.pick(ids)
        rec = c.records[cid]
        cur = int(scalar(rec, "phase") or 1)
        to = r.choice([p for p in range(1, 13) if p != cur] or [1])
        args = ["phase", "set", cid, str(to)]
        if r.random() < 0.5:
            args += ["-m", self.text(1)]
            st["items"].append({"kind": "text", "token": self.token(1)})
        if to in ENDING and cur not in ENDING and r.random() < 0.9:
            args += ["--reason", "ушли к конкуренту " + self.token(2)]
            st["items"].append({"kind": "text", "token": self.token(2)})
        # Won back: out of an ending phase, mostly as a reopening; the
        # rest forced (both must hold), or neither (refused).
        if cur in ENDING and to not in ENDING and r.random() < 0.6:
            args += ["--reopen"]
        elif to < cur and cur not in REVERSIBLE and r.random() < 0.8:
            args += ["--force"]
        if r.random() < 0.25:
            times = [entry_time(e) for e in history_entries(rec)]
            last = max([t for t in times if t] or [now - DAY])
            if r.random() < 0.1 or last >= now:
                at = last - r.randint(60, 2 * DAY)        # refused: before the last event
            else:
                at = r.randint(last + 1, now)
            at = self.unique_time(at)
            args += ["--at", fmt_time(at)]
        st["argv"] = args

    def gen_next(self, st, c, ids, now):
        cid = self.pick(ids)
        args = ["phase", "next", cid]
        if self.rng.random() < 0.4:
            args += ["-m", self.text(1)]
            st["items"].append({"kind": "text", "token": self.token(1)})
        if scalar(c.records[cid], "phase") == "10":
            args += ["--reason", "закрылись " + self.token(2)]
            st["items"].append({"kind": "text", "token": self.token(2)})
        st["argv"] = args

    def gen_set(self, st, c, ids, now):
        r = self.rng
        cid = self.pick(ids)
        choices = [
            lambda: "next_contact=" + self.date(now, -3, 25),
            lambda: "next_action=позвонить насчёт отгрузки %d" % self.step_no,
            lambda: "fields.cargo=%s %d" % (r.choice(["трубы", "лес", "steel"]), self.step_no),
            lambda: "tags=%s,%s" % (r.choice(["china", "rail"]), "s%d" % self.step_no),
            lambda: "remarks=Предпочитает почту; шаг %d" % self.step_no,
            lambda: "manager=" + r.choice([u for us in USERS for u in us]),
            lambda: "name=" + self.new_name(c, collide=False),
            lambda: "kind=" + ("internal" if scalar(c.records[cid], "kind") == "external"
                               else "external"),
        ]
        n = r.choice([1, 1, 2])
        st["argv"] = ["client", "set", cid] + [r.choice(choices)() for _ in range(n)]
        st["may_noop"] = True   # a manager or kind set to what it is

    def gen_edit(self, st, c, ids, now):
        r = self.rng
        cid = self.pick(ids)
        mode = r.choice(["action", "action", "manager", "remarks", "nochange", "bad"])
        value = {"action": "подготовить договор %d" % self.step_no,
                 "manager": r.choice([u for us in USERS for u in us]),
                 "remarks": "Директор решает в последнюю неделю месяца (%d)." % self.step_no,
                 "nochange": "", "bad": "99"}[mode]
        st["argv"] = ["client", "edit", cid]
        st["edit"] = {"mode": mode, "value": value}
        st["may_noop"] = mode in ("nochange", "manager")

    def gen_hold(self, st, c, ids, now):
        st["argv"] = ["client", "hold", self.pick(ids), "--until", self.date(now, 1, 30),
                      "--reason", "директор в отпуске " + self.token(1)]
        st["items"].append({"kind": "text", "token": self.token(1)})

    def gen_unhold(self, st, c, ids, now):
        held = [i for i in ids if scalar(c.records[i], "hold_until")]
        st["argv"] = ["client", "unhold", self.pick(held or ids)]

    def gen_reassign(self, st, c, ids, now):
        r = self.rng
        mans = {}
        for i in ids:
            mans.setdefault(scalar(c.records[i], "manager"), []).append(i)
        frm = r.choice(sorted(mans))
        to = r.choice([u for us in USERS for u in us if u != frm])
        args = ["client", "reassign", "--from", frm, "--to", to]
        if r.random() < 0.5:
            args += r.sample(mans[frm], min(len(mans[frm]), r.randint(1, 2)))
        st["argv"] = args

    def gen_rm(self, st, c, ids, now):
        st["argv"] = ["client", "rm", self.pick(ids)]

    def gen_import(self, st, c, ids, now):
        r = self.rng
        rows = ["Клиент;Фаза 1;Фаза 2;Фаза 3;Фаза 4;Менеджер;fields.ref"]
        for k in range(1, r.randint(1, 3) + 1):
            name = self.new_name(c, collide=False).replace('"', "")
            d0 = day_of(now) - timedelta(days=r.randint(2, 20))
            cells = []
            d = d0
            for _ in range(4):
                if r.random() < 0.6:
                    cells.append(d.strftime("%d.%m.%Y"))
                    d += timedelta(days=r.randint(0, 1))
                else:
                    cells.append("")
            man = r.choice(["", SURNAMES.get(r.choice(c.users)) or ""])
            rows.append(";".join(['"%s"' % name] + cells + [man, self.token(k)]))
            st["items"].append({"kind": "text", "token": self.token(k), "where": "fields"})
        st["csv"] = "\n".join(rows) + "\n"
        st["argv"] = ["import", "{csv}"]

    def gen_undo(self, st, c, ids, now):
        st["argv"] = ["undo"]

    def gen_sync(self, st, c, ids, now):
        st["argv"] = ["sync"]

    def gen_handedit(self, st, c, ids, now):
        cid = self.pick(ids)
        st["hand"] = {"op": "edit", "id": cid}

    def gen_handfix(self, st, c, ids, now):
        path = self.rng.choice(sorted(c.dirty))
        st["hand"] = {"op": self.rng.choice(["discard", "commit"]), "path": path}

    # ---- execution -------------------------------------------------------

    def execute(self, st):
        c = self.clones[st["clone"]]
        self.current = st
        c.clock = parse_time(st["now"])
        self.steps_by_no[st["n"]] = st
        before_head = c.head
        before_status = c.status()
        if "hand" in st:
            return self.execute_hand(st, c, before_head)
        argv = list(st["argv"])
        extra = {}
        if "csv" in st:
            path = os.path.join(self.dir, "import-%d.csv" % st["n"])
            with open(path, "w") as f:
                f.write(st["csv"])
            argv = [path if a == "{csv}" else a for a in argv]
        if "edit" in st:
            extra = {"EDITOR": "%s %s" % (sys.executable,
                                          os.path.join(os.path.dirname(__file__), "editor.py")),
                     "MODEL_EDIT_MODE": st["edit"]["mode"],
                     "MODEL_EDIT_VALUE": st["edit"]["value"]}
        st["show"] = "[%s %s PREG_NOW=%s] preg %s" % (c.name, st["user"], st["now"],
                                                     " ".join(shlex_quote(a) for a in argv))
        if self.o.verbose:
            print("step %d: %s" % (st["n"], st["show"]), file=sys.stderr)
        rm_text = None
        if st["action"] == "rm" and st["argv"][2] in c.records:
            rm_text = c.records[st["argv"][2]]
        rc, out, err = self.pregrun(c.path, argv, st["user"], st["now"], extra)
        st["rc"] = rc
        self.check_output(st, c, rc, out, err)
        c.refresh()
        new = self.new_commits(c, before_head)
        if rc != 0:
            self.stats["refused"] += 1
            if c.head != before_head:
                self.fail("refusal", c, "exit %d but the branch moved: %s -> %s\n%s"
                          % (rc, before_head[:7], c.head[:7], err.strip()),
                          key="a refused %s moved the branch" % st["action"])
            elif c.status() != before_status:
                self.fail("refusal", c, "exit %d but the work tree changed:\nbefore: %s\nafter: %s"
                          % (rc, before_status, c.status()),
                          key="a refused %s changed the work tree" % st["action"])
            return before_head
        if st["action"] == "sync":
            self.after_sync(st, c, out)
        else:
            if len(new) > 1 or (not new and not st.get("may_noop")):
                self.fail("refusal", c, "exit 0 but %d commits were made" % len(new),
                          key="%s made %d commits" % (st["action"], min(len(new), 2)))
            for h in new:
                self.own_commit(c, h, st)
            if new:
                c.known.add(st["n"])
                for it in st["items"]:
                    it["step"] = st["n"]
                    self.items[it["token"]] = it
                if st["action"] == "add":
                    c.pending_adds.add(st["add_name"])
                    c.names_seen.add(st["add_name"])
                if st["action"] == "rm" and rm_text:
                    self.uncertain |= self.tokens_of(rm_text)
                if st["action"] == "undo":
                    self.after_undo(st, c, out)
            if c.status() != before_status and not (st["action"] == "sync"):
                # only the user's own edits may remain; a write leaves the rest clean
                self.fail("worktree", c, "after exit 0 the work tree differs:\nbefore: %r\nafter: %r"
                          % (before_status, c.status()),
                          key="%s left the work tree changed" % st["action"])
        return before_head

    def execute_hand(self, st, c, before_head):
        h = st["hand"]
        if h["op"] == "edit":
            path = c.path_of(h["id"])
            st["show"] = "[%s] edit %s by hand (kind), not committed" % (c.name, path)
            if not os.path.exists(os.path.join(c.path, path)):
                return before_head

            def flip(text):
                if "kind: external" in text:
                    return text.replace("kind: external", "kind: internal", 1)
                return text.replace("kind: internal", "kind: external", 1)
            path, text = self.rewrite(c, h["id"], flip)
            # A second edit of the same file may flip it back to what is
            # committed: then nothing is uncommitted, and preg may write it.
            if self.git(c.path, "status", "--porcelain", "--", path).strip():
                c.dirty[path] = text
            else:
                c.dirty.pop(path, None)
        elif h["op"] == "discard":
            st["show"] = "[%s] git checkout -- %s" % (c.name, h["path"])
            self.git(c.path, "checkout", "-q", "--", h["path"], check=False)
            c.dirty.pop(h["path"], None)
        else:
            st["show"] = "[%s] git commit %s by hand (%s)" % (c.name, h["path"], st["now"])
            env = dict(self.env)
            env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = st["now"]
            p = subprocess.run(["git", "-C", c.path, "commit", "-q", "-m",
                                "правка вручную: kind", "--", h["path"]],
                               env=env, capture_output=True, stdin=subprocess.DEVNULL)
            c.dirty.pop(h["path"], None)
            if p.returncode == 0:
                st["hand_commit"] = True
                c.known.add(st["n"])
        if self.o.verbose:
            print("step %d: %s" % (st["n"], st["show"]), file=sys.stderr)
        c.refresh()
        for hsh in self.new_commits(c, before_head):
            self.own_commit(c, hsh, st, by=IDENTITY[c.idx])
        return before_head

    def new_commits(self, c, old):
        if c.head == old:
            return []
        out = self.git(c.path, "rev-list", "--first-parent", "%s..%s" % (old, c.head))
        return out.split()

    def own_commit(self, c, h, st, by=None):
        t = int(self.git(c.path, "show", "-s", "--format=%at", h).strip())
        if t != parse_time(st["now"]):
            self.fail("commit", c, "commit %s is dated %s, not PREG_NOW %s"
                      % (h[:7], fmt_time(t), st["now"]), key="commit time is not PREG_NOW")
        self.commit_step[t] = {"step": st["n"], "user": by or st["user"]}

    def after_sync(self, st, c, out):
        # What the remote had, this clone has now; and the remote has it all.
        c.known |= self.remote_known
        self.remote_known = set(c.known)
        c.names_seen |= {n for o in self.clones for n in o.pending_adds}
        for o in self.clones:
            if o is c:
                continue
        c.pending_adds.clear()
        remote_head = self.git(self.remote, "rev-parse", "main").strip()
        if remote_head != c.head:
            self.fail("sync", c, "after a sync that exited 0 the clone is at %s, the remote at %s"
                      % (c.head[:7], remote_head[:7]), key="sync left clone and remote apart")

    def after_undo(self, st, c, out):
        m = re.search(r"undid ([0-9a-f]+)", out)
        if not m:
            self.fail("undo", c, "undo exited 0 without 'undid COMMIT': %r" % out)
            return
        t = int(self.git(c.path, "show", "-s", "--format=%at", m.group(1)).strip())
        target = self.commit_step.get(t)
        if not target:
            return
        self.undo_target[st["n"]] = target["step"]
        tst = self.steps_by_no.get(target["step"])
        if tst and tst.get("action") in ("add", "import"):
            # an undone add is a removal: a change of the client on another
            # clone keeps it (SPEC 8), as after client rm
            for it in tst.get("items", []):
                self.uncertain.add(("created:" if it["kind"] == "created" else "") + it["token"])
        if target["user"] != st["user"]:
            self.fail("undo", c, "%s's undo took back step %d, made by %s: %s"
                      % (st["user"], target["step"], target["user"],
                         tst.get("show", "") if tst else ""),
                      key="undo took back another user's change")

    def check_output(self, st, c, rc, out, err):
        lines = [l for l in err.split("\n") if l]
        if rc not in (0, 1, 2):
            self.fail("exit", c, "exit status %d\nstderr: %s" % (rc, err.strip()[:2000]),
                      key="exit %d from %s" % (rc, st["action"]))
            return
        if rc == 2:
            self.fail("exit", c, "usage error on a command the generator built valid: %s"
                      % err.strip(), key="usage error from %s" % st["action"])
            return
        errors = [l for l in lines if l.startswith("preg: error:")]
        if rc == 1:
            allowed = ("preg: warning:", "preg: error:", "preg: manager ", "Edit again?",
                       "preg: your text is kept")
            other = [l for l in lines if not l.startswith(allowed)
                     and not (st["action"] == "import" and re.match(r"^/.*:\d+: ", l))]
            if len(errors) != 1 or other:
                self.fail("output", c, "a refusal that is not one error line:\n" + err.strip(),
                          key="refusal of %s is not one error line" % st["action"])
            st["error"] = errors[0] if errors else err.strip()
        else:
            if errors:
                self.fail("output", c, "exit 0 with an error:\n" + err.strip(),
                          key="%s exits 0 with an error" % st["action"])
            for l in lines:
                if l.startswith("preg: warning:"):
                    self.fail("output", c, "a write warned: " + l,
                              key="%s warned: %s" % (st["action"],
                                                     re.sub(r"\d+|'[^']*'", "#", l)))

    def tokens_of(self, text):
        return set(TOKEN_RE.findall(text)) | {
            "created:" + m for m in re.findall(r"^created: (\S+)", text, re.M)}

    # ---- invariants ------------------------------------------------------

    def check_clone(self, c, old_head, full=False):
        """Every invariant on clone c, whose branch was at old_head before."""
        self.stats["checks"] += 1
        r = self.rng_checks
        u = c.users[0]
        now = fmt_time(c.clock)
        # verify and check
        rc, out, err = self.pregrun(c.path, ["verify"], u, now)
        if rc != 0:
            for l in (out + err).split("\n"):
                if l and not l.startswith("preg: error:") and l not in c.verify_seen:
                    c.verify_seen.add(l)
                    self.fail("verify", c, l, key=verify_key(l))
            if not (out + err).strip():
                self.fail("verify", c, "verify exit %d without a message" % rc)
        rc, out, err = self.pregrun(c.path, ["check"], u, now)
        # Warnings (a likely duplicate after a rename) keep exit 0.
        bad = [l for l in (out + err).split("\n") if l and ": warning: " not in l]
        if rc != 0 and not bad:
            self.fail("check", c, "check exit %d with warnings only" % rc, key="check fails on warnings")
        if rc != 0 or bad:
            for l in bad:
                if l not in c.check_seen:
                    c.check_seen.add(l)
                    self.fail("check", c, l, key=re.sub(r"clients/\S+|'[^']*'|\d+", "#", l))
        # which records changed
        changed = set()
        if old_head and old_head != c.head:
            for p in self.git(c.path, "diff", "--name-only", "--no-renames", old_head, c.head,
                              "--", "clients").split():
                cid = os.path.basename(p)[:-5]
                self.paths[cid] = p
                changed.add(cid)
        for cid, p in c.paths_now.items():
            self.paths.setdefault(cid, p)
        ids = sorted(c.records)
        sample = set(changed)
        if ids:
            sample |= set(r.sample(ids, 1))
        if full:
            sample |= set(ids) | {i for i in self.paths}
        self.check_log(c, sorted(sample))
        self.check_diff(c, old_head)
        self.check_status(c, ids if full else
                          sorted(set(changed) | set(r.sample(ids, 1)) if ids else []))
        if full or r.random() < self.o.asof_rate:
            self.check_asof(c)
        if full or r.random() < self.o.asof_rate:
            self.check_diff_since(c)
        self.check_items(c)
        self.check_dirty(c)

    def check_log(self, c, ids):
        for cid in ids:
            path = self.paths.get(cid)
            if not path:
                continue
            witness = self.git(c.path, "log", "--format=%H %at", "--", path).split("\n")
            witness = [w.split() for w in witness if w]
            rc, out, err = self.pregrun(c.path, ["log", cid, "--format", "tsv"], c.users[0],
                                        fmt_time(c.clock))
            if not witness and rc == 1:
                continue
            if rc != 0:
                self.fail("log", c, "preg log %s: exit %d: %s" % (cid, rc, err.strip()),
                          key="log of a client fails")
                continue
            rows = [l.split("\t") for l in out.split("\n")[1:] if l]
            # An id this clone has never had (another clone's client,
            # not synced here yet) is taken as a name, as every command
            # takes one: a client here whose name reads that way (a name
            # set to another clone's client's) shows its own trail.
            if not witness and rows and all(len(row) > 3 and row[3] == rows[0][3] != cid
                                            for row in rows):
                continue
            got = [row[0] for row in rows]
            want = [w[0] for w in witness]
            if set(got) != set(want):
                extra = [h[:7] + " " + self.subject(c, h) for h in got if h not in want]
                missing = [h[:7] + " " + self.subject(c, h) for h in want if h not in got]
                self.fail("log", c, "preg log %s differs from git log -- %s\n"
                          "listed but not touching the file: %s\nmissing: %s"
                          % (cid, path, "; ".join(extra) or "-", "; ".join(missing) or "-"),
                          key=self.log_key(c, cid, [h for h in got if h not in want],
                                           [h for h in want if h not in got]))
                continue
            if got != want:
                self.fail("log", c, "preg log %s lists the right commits in another order"
                          % cid, key="log order")
            times = {w[0]: int(w[1]) for w in witness}
            for row in rows:
                who = self.commit_step.get(times[row[0]])
                if who and len(row) > 2 and row[2] != who["user"]:
                    self.fail("log", c, "preg log %s: commit %s (%s) by %s, acting user was %s"
                              % (cid, row[0][:7], row[4] if len(row) > 4 else "?", row[2],
                                 who["user"]),
                              key="log names %s, not the acting user, for '%s'"
                              % ("the git author" if row[2] in IDENTITY else "another user",
                                 row[4] if len(row) > 4 else "?"))

    def log_key(self, c, cid, extra, missing):
        def other(hs):
            return any(cid not in self.subject(c, h).replace(":", " ").split() for h in hs)
        parts = []
        if extra:
            parts.append("lists commits of another client" if other(extra)
                         else "lists commits that did not touch the file")
        if missing:
            acts = sorted({self.action_of(c, h) for h in missing})
            if other(missing):
                parts.append("misses commits made under another id")
            else:
                parts.append("misses %s commits" % "/".join(acts))
        return "log " + " and ".join(parts)

    def subject(self, c, h):
        return self.git(c.path, "show", "-s", "--format=%s", h).strip()

    def action_of(self, c, h):
        out = self.git(c.path, "show", "-s", "--format=%(trailers:key=Preg-Action,valueonly)",
                       h, check=False).strip()
        return out or "git"

    def check_diff(self, c, old_head):
        commits = c.line()
        pairs = []
        if old_head and old_head != c.head:
            pairs.append((old_head, c.head))
        if len(commits) >= 2:
            a, b = sorted(self.rng_checks.sample(range(len(commits)), 2))
            pairs.append((commits[b], commits[a]))
        for a, b in pairs:
            rc, out, err = self.pregrun(c.path, ["diff", a, b], c.users[0], fmt_time(c.clock))
            if rc != 0:
                self.fail("diff", c, "preg diff %s %s: exit %d: %s" % (a[:7], b[:7], rc,
                                                                      err.strip()),
                          key="diff fails")
                continue
            got = set(re.findall(r"^(?:added|removed|changed)\s+(\S+)", out, re.M))
            want = {os.path.basename(p)[:-5] for p in
                    self.git(c.path, "diff", "--name-only", "--no-renames", a, b,
                             "--", "clients").split()}
            if got != want:
                self.fail("diff", c, "preg diff %s %s names %s; git diff --name-only: %s"
                          % (a[:7], b[:7], sorted(got), sorted(want)),
                          key="diff A B names other records")

    def check_diff_since(self, c):
        """preg diff --since D, bounded from both sides, so that either
        reading of "the state before D" passes while the clocks agree, and
        none that loses a change made on D passes when they do not:
        at least  every record whose file after the last commit made on or
                  after D that touched it differs from before the first one
                  (with clocks that agree, the last is the newest and the
                  file after it the file now; with a clock behind, a commit
                  after it in the line may be dated before D: not a change
                  made on D, so not one diff --since must show);
        at most   the records touched by a commit after the state before the
                  first commit, in the order of the line, made on or after D
                  (whichever commit before D a reading takes as "the state
                  before D", it is on or after that one)."""
        line = c.line_times()     # newest first: (hash, time)
        if len(line) < 2:
            return
        days = sorted({day_of(t) for _, t in line})
        d = self.rng_checks.choice(days[1:] if len(days) > 1 else days)
        on_or_after = [i for i, (_, t) in enumerate(line) if day_of(t) >= d]
        if not on_or_after:
            return
        first = max(on_or_after)
        base = line[first + 1][0] if first + 1 < len(line) else None
        rc, out, err = self.pregrun(c.path, ["diff", "--since", d.isoformat()], c.users[0],
                                    fmt_time(c.clock))
        if rc != 0:
            self.fail("diff-since", c, "preg diff --since %s: exit %d: %s" % (d, rc, err.strip()),
                      key="diff --since fails")
            return
        got = set(re.findall(r"^(?:added|removed|changed)\s+(\S+)", out, re.M))
        # the oldest and the newest commit made on or after D that touched
        # each path
        earliest, latest = {}, {}
        rng = "%s..%s" % (base, c.head) if base else c.head
        log = self.git(c.path, "log", "--first-parent", "--no-renames", "--format=@%H %at",
                       "--name-only", rng, "--", "clients")
        cur = None
        upper = set()
        for l in log.split("\n"):
            if l.startswith("@"):
                h, t = l[1:].split()
                cur = h if day_of(int(t)) >= d else None
            elif l:
                upper.add(os.path.basename(l)[:-5])
                if cur:
                    earliest[l] = cur
                    latest.setdefault(l, cur)
        lower = set()
        if earliest:
            q = []
            for p, h in earliest.items():
                q += ["%s^:%s" % (h, p), "%s:%s" % (latest[p], p)]
            p2 = subprocess.run(["git", "-C", c.path, "cat-file", "--batch-check"],
                                input="\n".join(q).encode() + b"\n", capture_output=True,
                                env=self.env)
            res = [None if l.endswith(" missing") else l.split()[0]
                   for l in p2.stdout.decode().splitlines()]
            for i, p in enumerate(earliest):
                if res[2 * i] != res[2 * i + 1]:
                    lower.add(os.path.basename(p)[:-5])
        if not (lower <= got <= upper):
            made = ["%s %s" % (earliest[p][:7], self.subject(c, earliest[p]))
                    for p in earliest if os.path.basename(p)[:-5] in lower - got][:5]
            self.fail("diff-since", c,
                      "preg diff --since %s names %s\nchanged by commits made on or after %s: %s"
                      "\nnot touched since the state before the first of them: %s\n%s"
                      % (d, sorted(got), d, sorted(lower - got) or "-", sorted(got - upper) or "-",
                         "; ".join(made)),
                      key="diff --since misses changes made that day" if lower - got
                      else "diff --since names records not touched since")

    def check_status(self, c, show_ids):
        u, now = c.users[0], fmt_time(c.clock)
        fmt = self.rng_checks.choice(["json", "tsv"])
        views = {}
        rc, out, err = self.pregrun(c.path, ["client", "list", "--format", fmt], u, now)
        views["list"] = {r["id"]: r for r in parse_rows(out, fmt)} if rc == 0 else None
        rc, out, err = self.pregrun(c.path, ["report", "--format", fmt], u, now)
        views["report"] = {r["id"]: r for r in parse_rows(out, fmt)} if rc == 0 else None
        rc, out, err = self.pregrun(c.path, ["remind", "--format", fmt], u, now)
        rem = {}
        if rc == 0:
            for r in parse_rows(out, fmt):
                rem.setdefault(r["id"], set()).add(r["reason"])
        views["remind"] = rem if rc == 0 else None
        shows = {}
        for cid in show_ids:
            rc, out, err = self.pregrun(c.path, ["client", "show", cid, "--format", "json"], u, now)
            if rc == 0:
                shows[cid] = json.loads(out)
        for name, v in views.items():
            if v is None:
                self.fail("status", c, "preg %s --format %s failed" % (name, fmt),
                          key="%s fails" % name)
                return
        lst, rep = views["list"], views["report"]
        if set(lst) != set(rep):
            self.fail("status", c, "client list has %s, report %s" % (sorted(set(lst) - set(rep)),
                                                                      sorted(set(rep) - set(lst))),
                      key="list and report list other clients")
        for cid in sorted(set(lst) & set(rep)):
            a, b, reasons = lst[cid], rep[cid], rem.get(cid, set())
            ph = int(a["phase"])
            st = {"list": truth(a["stale"]), "report": truth(b["stale"]),
                  "remind": "stale" in reasons}
            # due and overdue exclusive, in every view (one derived status):
            # due here means "due or overdue".
            du = {"list": truth(a["due"]) or truth(a["overdue"]),
                  "report": truth(b["due"]) or truth(b["overdue"]),
                  "remind": bool(reasons & {"due", "overdue"})}
            od = {"list": truth(a["overdue"]), "report": truth(b["overdue"]),
                  "remind": "overdue" in reasons}
            if cid in shows:
                st["show"] = truth(shows[cid].get("stale"))
                du["show"] = truth(shows[cid].get("due")) or truth(shows[cid].get("overdue"))
                od["show"] = truth(shows[cid].get("overdue"))
            for what, m in (("stale", st), ("due", du), ("overdue", od)):
                if len(set(m.values())) > 1:
                    self.fail("status", c, "%s in phase %d (%s days, since %s, next_contact %s, "
                              "hold_until %s): %s differs: %s"
                              % (cid, ph, a["days_in_phase"], a["phase_since"],
                                 a["next_contact"] or "-",
                                 scalar(c.records.get(cid, ""), "hold_until") or "-", what,
                                 ", ".join("%s %s" % (k, "yes" if v else "no")
                                           for k, v in sorted(m.items()))),
                              key="%s differs (%s) in phase %s" % (
                                  what, " ".join(sorted(k for k, v in m.items() if v)),
                                  "ending" if ph in ENDING else "open"))
            # An ended client is reminded of one thing only: that it stays
            # in its ending phase longer than the phase's stale_after (the
            # prompt for the analysis after the end; preg-remind(1)).
            if ph in ENDING and reasons - {"stale"}:
                self.fail("status", c, "%s ended (phase %d) but remind lists it: %s"
                          % (cid, ph, ", ".join(sorted(reasons))),
                          key="remind lists an ended client")
            for col in ("manager", "phase", "phase_key"):
                if str(a[col]) != str(b[col]):
                    self.fail("status", c, "%s: %s is %s in client list, %s in report"
                              % (cid, col, a[col], b[col]), key="list and report differ in " + col)

    def check_asof(self, c, d=None):
        """report --as-of D at the tip against the plain report of the
        commit that was current at the end of D, run with the clock then.
        Compared: the columns the history events decide, for the clients
        whose events up to D were all there already in that commit (an
        event dated on or before D that was written later, by --at, a clock
        behind, or a sync, makes the two differ by design)."""
        line = c.line_times()
        days = sorted({day_of(t) for _, t in line if t})
        if len(days) < 1:
            return
        d = d or self.rng_checks.choice(days)
        cands = [h for h, t in line if day_of(t) <= d]
        if not cands:
            return
        commit = cands[0]
        end = int(datetime(d.year, d.month, d.day, 23, 59, 59, tzinfo=TZ).timestamp())
        u = c.users[0]
        rc, out, err = self.pregrun(c.path, ["report", "--as-of", d.isoformat(),
                                             "--format", "json"], u, fmt_time(c.clock))
        if rc != 0:
            self.fail("as-of", c, "report --as-of %s: exit %d: %s" % (d, rc, err.strip()),
                      key="report --as-of fails")
            return
        got = {r["id"]: r for r in json.loads(out)}
        scratch = c.scratch()
        self.git(scratch, "checkout", "-q", "-f", "-B", "main", commit)
        rc, out, err = self.pregrun(scratch, ["report", "--format", "json"], u, fmt_time(end))
        if rc != 0:
            self.fail("as-of", c, "report at %s: exit %d: %s" % (commit[:7], rc, err.strip()),
                      key="report of an old commit fails")
            return
        want = {r["id"]: r for r in json.loads(out)}
        then = c.records_at(commit)
        skip = set()
        for cid in set(got) | set(want):
            now_ev = [e for e in history_entries(c.records.get(cid, ""))
                      if (entry_time(e) or 0) <= end]
            then_ev = history_entries(then.get(cid, ""))
            if cid not in c.records or now_ev != then_ev or \
                    any((entry_time(e) or 0) > end for e in then_ev):
                skip.add(cid)
        self.stats["asof_skipped"] += len(skip)
        self.stats["asof_compared"] += len((set(got) | set(want)) - skip)
        cols = ["manager", "phase", "phase_key", "phase_since", "days_in_phase", "stale"] + \
            sorted(k for k in (next(iter(want.values())) if want else {}) if k.startswith("reached_"))
        for cid in sorted((set(got) | set(want)) - skip):
            if cid not in got or cid not in want:
                self.fail("as-of", c, "%s is %s report --as-of %s but %s the report of %s"
                          % (cid, "in" if cid in got else "not in", d,
                             "in" if cid in want else "not in", commit[:7]),
                          key="as-of has other clients")
                continue
            diffs = ["%s: %s (as-of) vs %s (then)" % (k, got[cid].get(k), want[cid].get(k))
                     for k in cols if got[cid].get(k) != want[cid].get(k)]
            if diffs:
                self.fail("as-of", c, "report --as-of %s vs the report of %s (the tip on %s), "
                          "client %s:\n%s" % (d, commit[:7], d, cid, "\n".join(diffs)),
                          key="as-of differs in " + ",".join(sorted(x.split(":")[0] for x in diffs)))

    def check_items(self, c, final=False):
        """Every item this clone has seen: once if live, never if undone."""
        counts = {}
        for cid, text in c.records.items():
            sec = sections(text)
            for tok in TOKEN_RE.findall(sec.get("history", "") + sec.get("notes", "")):
                counts[tok] = counts.get(tok, 0) + 1
            for tok in TOKEN_RE.findall(sec.get("fields", "")):
                counts[tok] = counts.get(tok, 0) + 1
            m = re.search(r"^created: (\S+)", text, re.M)
            if m:
                counts[m.group(1)] = counts.get(m.group(1), 0) + 1
        for tok in sorted(set(counts) - set(self.items)):
            if TOKEN_RE.fullmatch(tok):
                self.fail("items", c, "%s is in the records %d times, but no step wrote it"
                          % (tok, counts[tok]), key="an item no step wrote")
        for tok, it in self.items.items():
            if it["step"] not in c.known:
                continue
            if it["kind"] == "created":
                st = self.steps_by_no[it["step"]]
                if st["action"] == "import":
                    continue
            n = counts.get(tok, 0)
            live = not self.undone(it["step"], c.known)
            if tok in self.uncertain or self.rm_touched(it):
                ok = n <= 1
            else:
                ok = n == (1 if live else 0)
            if not ok:
                st = self.steps_by_no[it["step"]]
                self.fail("items", c, "%s of step %d (%s) is there %d times; expected %s"
                          % ("the client added" if it["kind"] == "created" else tok, it["step"],
                             st.get("show", ""), n, "once" if live else "none (undone)"),
                          key="%s %s %s" % (it["kind"], "lost" if n == 0 else "duplicated"
                                            if n > 1 else "still there after undo",
                                            "(%s)" % st["action"]))

    def rm_touched(self, it):
        return ("created:" + it["token"]) in self.uncertain if it["kind"] == "created" else False

    def undone(self, step, known):
        for u, target in self.undo_target.items():
            if target == step and u in known and not self.undone(u, known):
                return True
        return False

    def check_dirty(self, c):
        for path, text in c.dirty.items():
            full = os.path.join(c.path, path)
            try:
                with open(full, encoding="utf-8") as f:
                    now = f.read()
            except OSError:
                now = None
            if now != text:
                self.fail("worktree", c, "the user's uncommitted edit of %s was overwritten" % path,
                          key="an uncommitted edit was overwritten")
                c.dirty[path] = now
        st = c.status()
        extra = [l for l in st.split("\n") if l and l[3:] not in c.dirty]
        if extra:
            self.fail("worktree", c, "the work tree is not clean: %s" % "; ".join(extra),
                      key="work tree not clean")

    # ---- the run ---------------------------------------------------------

    def run(self, steps, replay=None, deadline=None):
        self.rng_checks = random.Random(self.seed * 7919 + 1)
        self.setup()
        plan = replay or []
        n = len(plan) if replay else steps
        try:
            for i in range(n):
                if deadline and time.time() > deadline:
                    break
                self.step_no = i + 1
                if replay:
                    st = dict(plan[i])
                    st["n"] = self.step_no
                    st["items"] = [dict(x) for x in st.get("items", [])]
                    for s in st["items"]:
                        s.pop("step", None)
                    self.used_times.add(parse_time(st["now"]))
                else:
                    st = self.generate()
                self.trace.append({k: v for k, v in st.items()
                                   if k in ("n", "clone", "user", "now", "items", "argv",
                                            "action", "csv", "edit", "hand", "add_name",
                                            "may_noop")})
                self.stats["steps"] += 1
                c = self.clones[st["clone"]]
                old = self.execute(st)
                self.check_clone(c, old, full=(self.o.full_every and
                                                self.step_no % self.o.full_every == 0))
                if self.o.inject and self.step_no == self.o.inject_at:
                    old = c.head
                    self.current = {"show": "(injected: %s)" % self.o.inject}
                    self.inject(c)
                    self.check_clone(c, old, full=True)
            self.current = None
            self.final_round()
        except Failure:
            pass
        except Exception:
            import traceback
            self.harness_error = traceback.format_exc()
            print("HARNESS ERROR seed %d step %d (a bug of tests/model, not of preg):\n%s"
                  "  replay: %s\n  registers kept in %s"
                  % (self.seed, self.step_no, self.harness_error,
                     self.replay_line(self.step_no), self.dir), file=sys.stderr)
        finally:
            with open(os.path.join(self.dir, "trace.json"), "w") as f:
                json.dump({"seed": self.seed, "clones": self.nclones, "steps": self.trace},
                          f, ensure_ascii=False, indent=0)
            with open(os.path.join(self.dir, "failures.json"), "w") as f:
                json.dump(self.failures, f, ensure_ascii=False, indent=1)
        return not self.failures and not self.harness_error

    def final_round(self):
        self.step_no += 1
        for c in self.clones:
            for path in list(c.dirty):
                self.git(c.path, "checkout", "-q", "--", path, check=False)
                c.dirty.pop(path)
        # The final round comes three weeks later, so that what goes stale
        # or comes due with time is read in every output too.
        self.world += 21 * DAY
        for rnd in range(2):
            for c in self.clones:
                c.clock = max(c.clock, self.world) + 60 + rnd
                st = {"n": self.step_no, "clone": c.idx, "user": c.users[0],
                      "now": fmt_time(self.unique_time(c.clock)), "argv": ["sync"],
                      "action": "sync", "items": []}
                self.current = st
                old = c.head
                self.execute(st)
                self.check_clone(c, old)
        self.current = {"show": "(final round: every clone synced twice)"}
        heads = {c.name: c.head for c in self.clones}
        remote = self.git(self.remote, "rev-parse", "main").strip()
        if set(heads.values()) != {remote}:
            self.fail("final", None, "after the final syncs: remote %s, %s"
                      % (remote[:7], ", ".join("%s %s" % (k, v[:7]) for k, v in heads.items())),
                      key="clones differ after the final syncs")
        for c in self.clones:
            if self.git(c.path, "status", "--porcelain").strip():
                self.fail("final", c, "work tree not clean after the final syncs",
                          key="final work tree not clean")
            self.check_clone(c, None, full=True)

    def git_at(self, c, *args):
        """git in clone c with the author and committer dates of its clock,
        so that a replay makes the same commits."""
        env = dict(self.env)
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = fmt_time(c.clock + 1)
        return self.git(c.path, *args, env=env)

    def rewrite(self, c, cid, change):
        """Rewrite the work-tree file of client cid by hand: change(text)."""
        path = c.path_of(cid)
        full = os.path.join(c.path, path)
        with open(full, encoding="utf-8") as f:
            text = change(f.read())
        with open(full, "w", encoding="utf-8") as f:
            f.write(text)
        return path, text

    def inject(self, c):
        """Self-test: break the register behind preg's back and make sure the
        harness notices (see --inject)."""
        what = self.o.inject
        ids = sorted(c.records)
        if not ids:
            return
        if what == "forged-trailer":
            # a plain-git commit that rewrites a history event but claims to
            # be preg's, with trailers naming the client
            cid = ids[0]
            path, _ = self.rewrite(c, cid, lambda t: re.sub(
                r"(history:\n  - \{at: )(\S+)", lambda m: m.group(1) +
                fmt_time(parse_time(m.group(2).rstrip(",")) - DAY) + ",", t, 1))
            self.git_at(c, "commit", "-q", "-m", "phase: %s\n\nPreg-Client: %s\n"
                        "Preg-Action: phase" % (cid, cid), "--", path)
        elif what == "delete-note":
            # a note removed by plain git, and the commit that added it
            # amended, so that verify cannot see it: only the items check can
            noted = [i for i in ids if "\nnotes:\n" in c.records[i]]
            if not noted:
                return

            def drop(text):
                lines = text.split("\n")
                i = lines.index("notes:") + 1
                del lines[i]
                if i >= len(lines) or not lines[i].startswith("  - "):
                    del lines[i - 1]
                return "\n".join(lines)
            path, _ = self.rewrite(c, noted[0], drop)
            self.git_at(c, "commit", "-q", "--amend", "--no-edit", "--", path)
        elif what == "form-only":
            # a record rewritten by plain git in form only (a quoted name):
            # its file differs, so preg diff must name it
            path, _ = self.rewrite(c, ids[0], lambda t: re.sub(
                r"^name: ([^'\"].*)$", lambda m: "name: '%s'" % m.group(1).replace("'", "''"),
                t, count=1, flags=re.M))
            self.git_at(c, "commit", "-q", "-m", "name quoted by hand", "--", path)
        elif what == "forged-undo":
            # a plain-git commit that only claims to be an undo and takes a
            # note away (issue 10: verify lets it pass; the items check not)
            noted = [i for i in ids if "\nnotes:\n" in c.records[i]]
            if not noted:
                return
            cid = noted[0]
            path, _ = self.rewrite(c, cid, lambda t: re.sub(r"\nnotes:\n(  - .*\n)+", "\n", t))
            self.git_at(c, "commit", "-q", "-m", "undo: note: %s\n\nPreg-Client: %s\n"
                        "Preg-Action: undo\nPreg-Undo: %s" % (cid, cid, c.head), "--", path)
        elif what == "merge-adds-note":
            # a merge commit, made with plain git, that brings a note nobody
            # wrote with preg (issue 10: verify lets it pass; items not)
            cid = ids[0]
            side = self.git_at(c, "commit-tree", "-p", c.head, "-m", "side",
                               c.head + "^{tree}").strip()
            path, _ = self.rewrite(c, cid, lambda t: (t.rstrip("\n") + "\n" if "\nnotes:\n" in t
                                                      else t.rstrip("\n") + "\nnotes:\n") +
                                   "  - {at: %s, by: mallory, text: чужая запись t9999k1}\n"
                                   % fmt_time(c.clock))
            self.git(c.path, "add", path)
            tree = self.git(c.path, "write-tree").strip()
            merge = self.git_at(c, "commit-tree", "-p", c.head, "-p", side, "-m",
                                "Merge branch 'side'", tree).strip()
            self.git(c.path, "update-ref", "HEAD", merge)
        elif what == "manager-field":
            # the manager changed by plain git without a history event: the
            # report of that day reads the field, as-of reads the events
            cid = ids[0]
            path, _ = self.rewrite(c, cid, lambda t: re.sub(r"^manager: .*$", "manager: mallory",
                                                           t, count=1, flags=re.M))
            self.git_at(c, "commit", "-q", "-m", "manager by hand", "--", path)
            c.refresh()
            self.check_asof(c, d=day_of(c.clock))
        elif what == "wrong-log":
            # a log index that names a client the commit did not touch
            self.git_at(c, "commit", "-q", "--allow-empty", "-m",
                        "note: %s\n\nPreg-Client: %s\nPreg-Action: note" % (ids[0], ids[0]))
        c.refresh()


def verify_key(line):
    """A verify problem without its client, commit and numbers: the class."""
    m = re.match(r"^\S+: commit [0-9a-f]+ \(([\w-]+)[^)]*\): (.*)$", line)
    if m:
        line = "(%s) %s" % (m.group(1), m.group(2))
    else:
        line = re.sub(r"^\S+: ", "", line)
    return re.sub(r"\b[0-9a-f]{7,40}\b|\d+", "#", line)


def truth(v):
    return v is True or v == "true"


def parse_rows(out, fmt):
    if fmt == "json":
        return json.loads(out) if out.strip() else []
    lines = [l for l in out.split("\n") if l]
    if not lines:
        return []
    head = lines[0].split("\t")
    rows = []
    for l in lines[1:]:
        cells = [x.replace("\\t", "\t").replace("\\n", "\n").replace("\\\\", "\\")
                 for x in l.split("\t")]
        rows.append({k: (v if v != "" else None) for k, v in zip(head, cells)})
    return rows


def shlex_quote(a):
    import shlex
    return shlex.quote(a)


class Clone:
    def __init__(self, run, idx):
        self.run = run
        self.idx = idx
        self.name = "clone%d" % (idx + 1)
        self.path = os.path.join(run.dir, self.name)
        self.users = USERS[idx]
        self.skew = [0, 7 * 60, -2 * 3600][idx]
        self.clock = BASE
        self.head = None
        self.records = {}
        self.paths_now = {}
        self.known = set()
        self.pending_adds = set()
        self.names_seen = set()
        self.dirty = {}
        self.verify_seen = set()
        self.check_seen = set()
        self._scratch = None
        self._line = None

    def configure(self):
        self.run.git(self.path, "config", "user.name", IDENTITY[self.idx])
        self.run.git(self.path, "config", "user.email", "ws%d@example.com" % (self.idx + 1))

    def status(self):
        return self.run.git(self.path, "status", "--porcelain")

    def refresh(self):
        head = self.run.git(self.path, "rev-parse", "HEAD").strip()
        if head == self.head:
            return
        self.head = head
        self._line = None
        self.records, self.paths_now = self.read_tree(head)

    def read_tree(self, commit):
        out = self.run.git(self.path, "ls-tree", "-r", commit, "clients")
        entries = []
        for l in out.split("\n"):
            if not l:
                continue
            meta, path = l.split("\t", 1)
            if path.endswith(".yaml"):
                entries.append((meta.split()[2], path))
        records, paths = {}, {}
        if entries:
            p = subprocess.run(["git", "-C", self.path, "cat-file", "--batch"],
                               input="\n".join(b for b, _ in entries).encode() + b"\n",
                               capture_output=True, env=self.run.env)
            data = p.stdout
            pos = 0
            for blob, path in entries:
                nl = data.index(b"\n", pos)
                size = int(data[pos:nl].split()[2])
                body = data[nl + 1:nl + 1 + size]
                pos = nl + 1 + size + 1
                cid = os.path.basename(path)[:-5]
                records[cid] = body.decode(errors="replace")
                paths[cid] = path
        return records, paths

    def records_at(self, commit):
        return self.read_tree(commit)[0]

    def path_of(self, cid):
        return self.paths_now.get(cid) or self.run.paths.get(cid)

    def line(self):
        return [h for h, _ in self.line_times()]

    def line_times(self):
        if self._line is None:
            out = self.run.git(self.path, "log", "--first-parent", "--format=%H %at")
            self._line = [(h, int(t)) for h, t in (l.split() for l in out.split("\n") if l)]
        return self._line

    def scratch(self):
        if not self._scratch:
            self._scratch = os.path.join(self.run.dir, "scratch-" + self.name)
            subprocess.run(["git", "clone", "-q", "--shared", "--no-checkout", self.path,
                            self._scratch], env=self.run.env, check=True,
                           capture_output=True)
        else:
            self.run.git(self._scratch, "fetch", "-q", "origin")
        return self._scratch
