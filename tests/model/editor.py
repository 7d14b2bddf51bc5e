"""The scripted $EDITOR of the model test: preg client edit runs it with the
record's temporary file as its last argument. MODEL_EDIT_MODE says what to
change and MODEL_EDIT_VALUE to what:

  action    set next_action
  manager   set manager (recorded in the history by preg)
  remarks   set remarks
  nochange  leave the file as it is (preg says "no changes")
  bad       change the phase, which an edit may not (preg refuses)
"""
import os
import re
import sys


def set_key(text, key, value, before="created:"):
    line = "%s: %s\n" % (key, value)
    if re.search(r"^%s: .*\n" % key, text, re.M):
        return re.sub(r"^%s: .*\n" % key, lambda m: line, text, count=1, flags=re.M)
    i = text.find("\n" + before)
    return text[:i + 1] + line + text[i + 1:]


def main():
    path = sys.argv[-1]
    mode = os.environ.get("MODEL_EDIT_MODE", "nochange")
    value = os.environ.get("MODEL_EDIT_VALUE", "")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if mode == "action":
        text = set_key(text, "next_action", value)
    elif mode == "manager":
        text = set_key(text, "manager", value)
    elif mode == "remarks":
        # a block that libyaml reads back whatever the text holds
        text = re.sub(r"^remarks: .*\n(  .*\n)*", "", text, flags=re.M)
        text = set_key(text, "remarks", "|\n  " + value, before="created:")
        # remarks come after created in the canonical order; preg reorders
    elif mode == "bad":
        text = re.sub(r"^phase: .*$", "phase: " + value, text, count=1, flags=re.M)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


main()
