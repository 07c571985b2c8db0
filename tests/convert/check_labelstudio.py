"""The Label Studio tasks factx wrote, validated by label-studio-sdk's LabelInterface against the
labeling config documented in docs/CONVERT.md: every task has the config's data, every
prediction's regions and relations are valid for it. Usage: check_labelstudio.py RECORDS TASKS"""
import json
import os
import re
import sys

from label_studio_sdk.label_interface import LabelInterface

records_path, tasks_path = sys.argv[1:3]
docs = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "CONVERT.md")
with open(docs, encoding="utf-8") as f:
    config = re.search(r"```xml\n(<View>.*?</View>)\n```", f.read(), re.S).group(1)
interface = LabelInterface(config)
with open(records_path, encoding="utf-8") as f:
    records = [json.loads(line) for line in f if line.strip()]
with open(tasks_path, encoding="utf-8") as f:
    tasks = json.load(f)
assert len(tasks) == len(records), (len(tasks), len(records))
regions = 0
for task, rec in zip(tasks, records):
    assert task["data"]["text"] == rec["text"], rec["id"]
    # What LabelInterface.validate_task checks of the data (2.1.2's validate_task itself calls
    # validate_prediction without its argument).
    for obj in interface.objects:
        assert not obj.value_is_variable or task["data"].get(obj.value_name) is not None, obj
    for prediction in task["predictions"]:
        errors = interface.validate_prediction(prediction, return_errors=True)
        assert not errors, (rec["id"], errors)
        regions += sum(r["type"] == "labels" for r in prediction["result"])
want = sum(len(e["mentions"]) for r in records for e in r["entities"]) + sum(
    len(r["roles"]) + len(r["facts"]) for r in records)
assert regions == want, (regions, want)
print(f"label-studio-sdk validated {len(tasks)} tasks, {regions} regions")
