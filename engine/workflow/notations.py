"""Read what process designers' modelers write and bring it to the engine's one notation.

Camunda Modeler (Camunda 7), spiff-arena's modeler and bpmn.io save the same BPMN with different
extensions. Before SpiffWorkflow parses a file, :func:`normalize` rewrites a copy of it into the
notation the engine runs (``spiffworkflow:property`` values and Python expressions): Camunda's
``candidateGroups``/``candidateUsers``/``assignee``/``dueDate``/``followUpDate`` become
properties of the same name, ``camunda:formData`` and a spiff-arena JSON-schema form become
``formFields``, JUEL conditions become Python (engine.workflow.juel), bare ISO 8601 timers are
quoted. Every attribute or extension element it does not use becomes a warning naming the
element; what would run differently from what the designer wrote is refused (DeployError).
The stored sources stay as the designer saved them. docs/process-design.md is the reference.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import jsonschema
from lxml import etree

from engine.errors import DeployError
from engine.models.org import ROLES
from engine.workflow import juel

ROLE_CODES = frozenset(r.code for r in ROLES)

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
#: Namespaces that hold the diagram or modeler bookkeeping, never a setting of the process.
LAYOUT = frozenset(
    {
        "http://www.omg.org/spec/BPMN/20100524/DI",
        "http://www.omg.org/spec/DD/20100524/DC",
        "http://www.omg.org/spec/DD/20100524/DI",
        "http://camunda.org/schema/modeler/1.0",
        "http://bpmn.io/schema/bpmn/biocolor/1.0",
        "http://www.omg.org/spec/BPMN/non-normative/color/1.0",
        XSI,
    }
)

#: spiffworkflow:property names the engine reads (docs/process-design.md).
USED_PROPERTIES = frozenset(
    {
        "formFields",
        "stage",
        "dueWorkingDays",
        "assignToItem",
        "candidateGroups",
        "candidateUsers",
        "assignee",
        "dueDate",
        "followUpDate",
        "formJsonSchemaFilename",
        "formUiSchemaFilename",
        "startableBy",
    }
)
#: spiffworkflow extension elements SpiffWorkflow runs.
USED_SPIFF_ELEMENTS = frozenset(
    {
        "properties",
        "preScript",
        "postScript",
        "serviceTaskOperator",
        "calledDecisionId",
        "messagePayload",
        "messageVariable",
        "processVariableCorrelation",
    }
)
#: Camunda attributes read, by element tag.
CAMUNDA_USED = {
    "userTask": {
        "candidateGroups",
        "candidateUsers",
        "assignee",
        "dueDate",
        "followUpDate",
        "formKey",  # warned about on its own: the task shows its formData instead
    },
    "startEvent": {"initiator"},
    "process": {"candidateStarterGroups", "candidateStarterUsers"},
}
#: Camunda form field types and the engine's field type for each.
CAMUNDA_TYPES = {
    "string": "text",
    "long": "integer",
    "boolean": "boolean",
    "enum": "choice",
    "date": "date",
}
CAMUNDA_CONSTRAINTS = frozenset({"required", "min", "max", "minlength", "maxlength", "readonly"})
#: JSON-schema types and the engine's field type for each.
SCHEMA_TYPES = {"string": "text", "integer": "integer", "number": "number", "boolean": "boolean"}
SCHEMA_KEYWORDS = frozenset(
    {
        "type",
        "title",
        "description",
        "default",
        "enum",
        "oneOf",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "format",
        "pattern",
        "readOnly",
        "examples",
        "$comment",
    }
)
UI_KEYS = frozenset({"ui:widget", "ui:help", "ui:readonly", "ui:title", "ui:placeholder"})

#: Text a modeler writes as an ISO 8601 timer (valid or not): quoted, then checked by the library.
_ISO_LIKE = re.compile(r"^(R\d*/)?P[\dA-Z.,]*\d[\dA-Z.,]*(/\S+)?$|^(R\d*/)?\d{4}-\d\d\S*$")
_ISO_TIMER = re.compile(
    r"^(R\d*/)?(P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"
    r"|\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?)"
    r"(/(P\S+|\d{4}-\S+))?$"
)


@dataclass(frozen=True)
class Note:
    """A setting the engine does not use, on one element of one file."""

    file: str
    element_id: str | None
    message: str

    def text(self) -> str:
        where = f"{self.file}: element {self.element_id}" if self.element_id else self.file
        return f"{where}: {self.message}"


@dataclass
class UserTaskPeople:
    """Who a user task is offered to, as the designer wrote it (resolved by the deploy check)."""

    file: str
    element_id: str
    lane: str | None
    groups: list[str]
    users: list[str]
    assignee: str | None
    item_assigned: bool


@dataclass
class StartInfo:
    """A process's start event: its form and who may start it (names as the designer wrote)."""

    file: str
    element_id: str
    form: list[dict[str, Any]]
    groups: list[str]
    users: list[str]
    initiator: str | None


@dataclass
class Design:
    """What normalizing the files found besides the spec."""

    warnings: list[Note] = field(default_factory=list)
    starts: dict[str, StartInfo] = field(default_factory=dict)
    tasks: dict[str, list[UserTaskPeople]] = field(default_factory=dict)

    def warn(self, file: str, element: etree._Element | None, message: str) -> None:
        element_id = _id(element) if element is not None else None
        self.warnings.append(Note(file, element_id, message))

    def group_names(self, process_id: str) -> list[str]:
        """Return the designer group names (lanes, candidate and starter groups) of a process."""
        names: list[str] = []
        for task in self.tasks.get(process_id, []):
            names.extend([task.lane] if task.lane else [])
            names.extend(task.groups)
        start = self.starts.get(process_id)
        if start is not None:
            names.extend(start.groups)
        return sorted(set(names))

    def to_json(self, process_id: str, files: tuple[str, ...]) -> dict[str, Any]:
        """Return what a version row keeps (``WorkflowSpec.design``) for ``process_id``."""
        start = self.starts.get(process_id)
        return {
            "warnings": [
                {"file": n.file, "element": n.element_id, "message": n.message}
                for n in self.warnings
                if n.file in files
            ],
            "start": None
            if start is None
            else {
                "file": start.file,
                "element": start.element_id,
                "form": start.form,
                "groups": start.groups,
                "users": start.users,
                "initiator": start.initiator,
            },
            "groups": self.group_names(process_id),
        }


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _local(element: etree._Element) -> str:
    return str(etree.QName(element).localname)


def _ns(element: etree._Element) -> str | None:
    namespace = etree.QName(element).namespace
    return None if namespace is None else str(namespace)


def _id(element: etree._Element) -> str | None:
    current: etree._Element | None = element
    while current is not None:
        value = current.get("id")
        if value:
            return str(value)
        current = current.getparent()
    return None


def _names(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def normalize(bpmn: dict[str, bytes], others: dict[str, bytes]) -> tuple[dict[str, bytes], Design]:
    """Return the BPMN files rewritten into the engine's notation, and what was found.

    ``others`` are the JSON files deployed beside them (JSON-schema forms). Raise DeployError
    for what cannot run as written.
    """
    design = Design()
    result: dict[str, bytes] = {}
    for name, xml in sorted(bpmn.items()):
        try:
            root = etree.fromstring(xml)
        except etree.XMLSyntaxError:
            result[name] = xml  # the parser reports it with its line
            continue
        _File(name, root, others, design).run()
        result[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return result, design


class _File:
    def __init__(
        self, name: str, root: etree._Element, others: dict[str, bytes], design: Design
    ) -> None:
        self.name = name
        self.root = root
        self.others = others
        self.design = design

    def refuse(self, element: etree._Element | None, problem: str) -> DeployError:
        return DeployError(self.name, _id(element) if element is not None else None, problem)

    def run(self) -> None:
        self._foreign_attributes(self.root, {"exporter", "exporterVersion"})
        for process in self.root.iter(_q(BPMN, "process")):
            self._process(process)

    # --- the walk ----------------------------------------------------------------------------

    def _process(self, process: etree._Element) -> None:
        process_id = str(process.get("id"))
        lanes: dict[str, str] = {}
        for lane in process.iter(_q(BPMN, "lane")):
            for ref in lane.findall(_q(BPMN, "flowNodeRef")):
                lanes[(ref.text or "").strip()] = str(lane.get("name") or lane.get("id"))
        starter_groups = _names(process.get(_q(CAMUNDA, "candidateStarterGroups")))
        starter_users = _names(process.get(_q(CAMUNDA, "candidateStarterUsers")))
        tasks: list[UserTaskPeople] = []
        starts = []
        for element in process.iter():
            if not isinstance(element.tag, str) or _ns(element) != BPMN:
                continue
            tag = _local(element)
            self._foreign_attributes(element, CAMUNDA_USED.get(tag, set()))
            self._extensions(element)
            if tag == "userTask":
                tasks.append(self._user_task(element, lanes.get(str(element.get("id")))))
            elif tag == "startEvent" and element.getparent() is process:
                starts.append(element)
            elif tag == "conditionExpression":
                self._condition(element)
            elif tag in ("timeDuration", "timeDate", "timeCycle"):
                self._timer(element)
            elif tag == "scriptTask":
                self._script_task(element)
        self.design.tasks.setdefault(process_id, []).extend(tasks)
        plain = [s for s in starts if s.find(f"{_q(BPMN, 'messageEventDefinition')}") is None]
        if plain:
            start = plain[0]
            lane = lanes.get(str(start.get("id")))
            # A lane that is a role code does not make a process startable from the start
            # page: the engine's own processes start that way and a domain operation starts
            # them (filing a dossier). A designer's lane name mapped to a role does.
            named = _names(_spiff_properties(start).get("startableBy"))
            from_lane = [lane] if lane and lane not in ROLE_CODES else []
            groups = starter_groups or named or from_lane
            form = self._form_of(start)
            self.design.starts[process_id] = StartInfo(
                file=self.name,
                element_id=str(start.get("id")),
                form=form,
                groups=groups,
                users=starter_users,
                initiator=start.get(_q(CAMUNDA, "initiator")),
            )

    def _foreign_attributes(self, element: etree._Element, used: set[str]) -> None:
        for key in element.attrib:
            qname = etree.QName(key)
            if qname.namespace is None or qname.namespace in (BPMN, *LAYOUT):
                continue
            if qname.namespace == CAMUNDA and qname.localname in used:
                continue
            prefix = "camunda:" if qname.namespace == CAMUNDA else f"{{{qname.namespace}}}"
            self.design.warn(
                self.name,
                element,
                f"attribute {prefix}{qname.localname}={element.get(key)!r} is not used by this "
                "engine",
            )

    def _extensions(self, element: etree._Element) -> None:
        ext = element.find(_q(BPMN, "extensionElements"))
        if ext is None:
            return
        for child in ext:
            if not isinstance(child.tag, str):
                continue
            ns, local = _ns(child), _local(child)
            if ns == SPIFF and local in USED_SPIFF_ELEMENTS:
                if local == "properties":
                    for prop in child.iter(_q(SPIFF, "property")):
                        if prop.get("name") not in USED_PROPERTIES:
                            self.design.warn(
                                self.name,
                                element,
                                f"spiffworkflow:property {prop.get('name')!r} is not used by "
                                "this engine",
                            )
                continue
            if (
                ns == CAMUNDA
                and local == "formData"
                and _local(element) in ("userTask", "startEvent")
            ):
                continue  # read by _form_of
            if ns == CAMUNDA and local == "properties":
                continue  # copied by _camunda_properties
            prefix = {CAMUNDA: "camunda:", SPIFF: "spiffworkflow:"}.get(ns or "", f"{{{ns}}}")
            self.design.warn(
                self.name,
                element,
                f"extension element {prefix}{local} is not used by this engine",
            )

    # --- user tasks --------------------------------------------------------------------------

    def _user_task(self, task: etree._Element, lane: str | None) -> UserTaskPeople:
        props = _spiff_properties(task)
        self._camunda_properties(task, props)
        for attr in ("candidateGroups", "candidateUsers", "assignee", "dueDate", "followUpDate"):
            value = task.get(_q(CAMUNDA, attr))
            if value is None:
                continue
            if attr in props:
                raise self.refuse(
                    task, f"camunda:{attr} and spiffworkflow:property {attr} are both set"
                )
            props[attr] = value.strip()
        form_key = task.get(_q(CAMUNDA, "formKey"))
        if form_key:
            self.design.warn(
                self.name,
                task,
                f"camunda:formKey={form_key!r} names a form this engine cannot show; the task "
                "shows its camunda:formData fields (or none)",
            )
        form = self._form_of(task)
        if form:
            if "formFields" in props:
                raise self.refuse(task, "two forms: formFields and camunda:formData/a JSON schema")
            props["formFields"] = json.dumps(form, ensure_ascii=False)
        for attr in ("assignee", "dueDate", "followUpDate"):
            if attr in props:
                props[attr] = self._value_or_variable(task, attr, props[attr])
        if "followUpDate" in props:
            self.design.warn(
                self.name,
                task,
                f"followUpDate {props['followUpDate']!r} is checked but has no effect: reminders "
                "follow the reminder ladder (Quản trị → Quy tắc) counted from the due date",
            )
        for attr in ("candidateGroups", "candidateUsers"):
            if attr in props and juel.is_expression(props[attr]):
                raise self.refuse(
                    task,
                    f"{attr} {props[attr]!r}: an expression is not accepted here; name the "
                    "groups or users",
                )
        _set_spiff_properties(task, props)
        return UserTaskPeople(
            file=self.name,
            element_id=str(task.get("id")),
            lane=lane,
            groups=_names(props.get("candidateGroups")),
            users=_names(props.get("candidateUsers")),
            assignee=props.get("assignee"),
            item_assigned=props.get("assignToItem", "").strip().lower() == "true",
        )

    def _value_or_variable(self, element: etree._Element, attr: str, value: str) -> str:
        """Return ``${var}`` as ``var`` and a literal as it is (checked for dates/durations)."""
        if juel.is_expression(value):
            match = re.fullmatch(r"\s*\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\s*", value)
            if match is None:
                raise self.refuse(
                    element,
                    f"{attr} {value!r}: only a variable reference ${{name}} is accepted here",
                )
            return "${" + match.group(1) + "}"
        if attr in ("dueDate", "followUpDate") and not _ISO_TIMER.match(value):
            raise self.refuse(
                element,
                f"{attr} {value!r} is neither an ISO 8601 date-time, a duration nor ${{variable}}",
            )
        return value

    def _camunda_properties(self, task: etree._Element, props: dict[str, str]) -> None:
        ext = task.find(_q(BPMN, "extensionElements"))
        if ext is None:
            return
        for holder in ext.findall(_q(CAMUNDA, "properties")):
            for prop in holder.findall(_q(CAMUNDA, "property")):
                name, value = prop.get("name"), prop.get("value")
                if name in USED_PROPERTIES and name not in props and value is not None:
                    props[str(name)] = value
                else:
                    self.design.warn(
                        self.name, task, f"camunda:property {name!r} is not used by this engine"
                    )

    # --- forms -------------------------------------------------------------------------------

    def _form_of(self, element: etree._Element) -> list[dict[str, Any]]:
        fields: list[dict[str, Any]] = []
        ext = element.find(_q(BPMN, "extensionElements"))
        if ext is not None:
            for form_data in ext.findall(_q(CAMUNDA, "formData")):
                for item in form_data:
                    if isinstance(item.tag, str) and _local(item) == "formField":
                        fields.append(self._camunda_field(element, item))
                    elif isinstance(item.tag, str):
                        self.design.warn(
                            self.name, element, f"camunda:{_local(item)} is not used by this engine"
                        )
        props = _spiff_properties(element)
        schema_file = props.pop("formJsonSchemaFilename", None)
        ui_file = props.pop("formUiSchemaFilename", None)
        if schema_file:
            if fields:
                raise self.refuse(element, "two forms: camunda:formData and a JSON schema")
            fields = self._schema_form(element, schema_file, ui_file)
            _set_spiff_properties(element, props)
        elif ui_file:
            self.design.warn(
                self.name, element, "formUiSchemaFilename without formJsonSchemaFilename is unused"
            )
        if _local(element) == "startEvent" and "formFields" in props and not fields:
            raw = props["formFields"]
            try:
                parsed = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise self.refuse(element, f"formFields is not valid JSON: {exc}") from None
            fields = parsed if isinstance(parsed, list) else []
        return fields

    def _camunda_field(self, element: etree._Element, item: etree._Element) -> dict[str, Any]:
        name = item.get("id")
        if not name:
            raise self.refuse(element, "a camunda:formField has no id")
        kind = item.get("type") or "string"
        if kind not in CAMUNDA_TYPES:
            raise self.refuse(
                element,
                f"form field {name!r} has type {kind!r}; supported: "
                + ", ".join(sorted(CAMUNDA_TYPES)),
            )
        field_def: dict[str, Any] = {
            "name": name,
            "type": CAMUNDA_TYPES[kind],
            "label": item.get("label") or name,
        }
        for key in item.attrib:
            if etree.QName(key).localname not in ("id", "label", "type", "defaultValue"):
                self.design.warn(
                    self.name,
                    element,
                    f"form field {name!r}: attribute {etree.QName(key).localname} is not used",
                )
        default = item.get("defaultValue")
        if default is not None:
            if juel.is_expression(default):
                raise self.refuse(
                    element,
                    f"form field {name!r}: defaultValue {default!r} is an expression; only a "
                    "literal default is accepted",
                )
            field_def["default"] = _typed_default(field_def["type"], default)
        choices = []
        for child in item:
            if not isinstance(child.tag, str):
                continue
            local = _local(child)
            if local == "value":
                choices.append(
                    {"value": child.get("id"), "label": child.get("name") or child.get("id")}
                )
            elif local == "validation":
                for constraint in child:
                    if isinstance(constraint.tag, str):
                        self._constraint(element, field_def, constraint)
            else:
                self.design.warn(
                    self.name,
                    element,
                    f"form field {name!r}: camunda:{local} is not used by this engine",
                )
        if field_def["type"] == "choice":
            if not choices:
                raise self.refuse(element, f"enum form field {name!r} has no camunda:value")
            field_def["choices"] = choices
        return field_def

    def _constraint(
        self, element: etree._Element, field_def: dict[str, Any], constraint: etree._Element
    ) -> None:
        name = constraint.get("name") or ""
        config = constraint.get("config")
        label = field_def["name"]
        if name not in CAMUNDA_CONSTRAINTS:
            raise self.refuse(
                element,
                f"form field {label!r}: validation constraint {name!r} is not supported "
                f"(supported: {', '.join(sorted(CAMUNDA_CONSTRAINTS))})",
            )
        if name in ("required", "readonly"):
            field_def[name] = True
            return
        try:
            number = int(config or "")
        except ValueError:
            raise self.refuse(
                element,
                f"form field {label!r}: constraint {name} needs a whole number, not {config!r}",
            ) from None
        key = {"minlength": "minLength", "maxlength": "maxLength"}.get(name, name)
        field_def[key] = number

    def _schema_form(
        self, element: etree._Element, schema_file: str, ui_file: str | None
    ) -> list[dict[str, Any]]:
        schema = self._json_file(element, schema_file)
        ui = self._json_file(element, ui_file) if ui_file else {}
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as exc:
            raise self.refuse(
                element, f"{schema_file}: not a valid JSON schema: {exc.message}"
            ) from None
        if schema.get("type") != "object" or not isinstance(schema.get("properties"), dict):
            raise self.refuse(
                element, f"{schema_file}: the form schema must be an object with properties"
            )
        for key in schema:
            if key not in (
                "type",
                "properties",
                "required",
                "title",
                "description",
                "$schema",
                "$id",
            ):
                raise self.refuse(
                    element, f"{schema_file}: keyword {key!r} is not supported in a form"
                )
        required = set(schema.get("required") or [])
        fields = []
        order = ui.get("ui:order") if isinstance(ui, dict) else None
        names = list(schema["properties"])
        if isinstance(order, list):
            names.sort(key=lambda n: order.index(n) if n in order else len(order))
        for name in names:
            prop = schema["properties"][name]
            fields.append(
                self._schema_field(
                    element, schema_file, name, prop, name in required, ui.get(name, {})
                )
            )
        for key in ui:
            if key != "ui:order" and key not in schema["properties"]:
                self.design.warn(
                    self.name, element, f"{ui_file}: {key!r} is not a field of the form"
                )
        return fields

    def _schema_field(
        self,
        element: etree._Element,
        file: str,
        name: str,
        prop: Any,
        required: bool,
        ui: Any,
    ) -> dict[str, Any]:
        if not isinstance(prop, dict):
            raise self.refuse(element, f"{file}: field {name!r} is not an object")
        for key in prop:
            if key not in SCHEMA_KEYWORDS:
                raise self.refuse(
                    element, f"{file}: field {name!r} uses {key!r}, which is not supported"
                )
        kind = prop.get("type")
        if kind not in SCHEMA_TYPES:
            raise self.refuse(
                element,
                f"{file}: field {name!r} has type {kind!r}; "
                f"supported: {', '.join(sorted(SCHEMA_TYPES))}",
            )
        field_def: dict[str, Any] = {
            "name": name,
            "type": SCHEMA_TYPES[kind],
            "label": prop.get("title") or name,
            "jsonSchema": prop,
        }
        if required:
            field_def["required"] = True
        if prop.get("description"):
            field_def["help"] = prop["description"]
        if "default" in prop:
            field_def["default"] = prop["default"]
        if kind == "string" and prop.get("format") == "date":
            field_def["type"] = "date"
        if "enum" in prop or "oneOf" in prop:
            options = prop.get("oneOf") or [{"const": v, "title": str(v)} for v in prop["enum"]]
            field_def["type"] = "choice"
            field_def["choices"] = [
                {"value": o.get("const"), "label": o.get("title", str(o.get("const")))}
                for o in options
                if isinstance(o, dict)
            ]
        for src, dst in (
            ("minLength", "minLength"),
            ("maxLength", "maxLength"),
            ("minimum", "min"),
            ("maximum", "max"),
        ):
            if src in prop:
                field_def[dst] = prop[src]
        if prop.get("readOnly"):
            field_def["readonly"] = True
        if isinstance(ui, dict):
            for key, value in ui.items():
                if key == "ui:widget" and value == "textarea" and field_def["type"] == "text":
                    field_def["type"] = "textarea"
                elif key == "ui:help" or key == "ui:placeholder":
                    field_def["help"] = str(value)
                elif key == "ui:readonly" and value:
                    field_def["readonly"] = True
                elif key == "ui:title":
                    field_def["label"] = str(value)
                else:
                    self.design.warn(
                        self.name, element, f"{file}: field {name!r}: {key}={value!r} is not used"
                    )
        return field_def

    def _json_file(self, element: etree._Element, name: str) -> Any:
        content = self.others.get(name)
        if content is None:
            raise self.refuse(element, f"form file {name!r} was not deployed with the BPMN file")
        try:
            return json.loads(content)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise self.refuse(element, f"{name} is not valid JSON: {exc}") from None

    # --- expressions -------------------------------------------------------------------------

    def _condition(self, element: etree._Element) -> None:
        language = element.get("language")
        if language and language.lower() not in ("python", "http://www.python.org/"):
            raise self.refuse(
                element,
                f"condition language {language!r} is not supported; write JUEL ${{…}} or Python",
            )
        text = element.text or ""
        if juel.is_expression(text):
            element.text = self._juel(element, "condition", text)

    def _juel(self, element: etree._Element, what: str, text: str) -> str:
        try:
            return juel.translate(text)
        except juel.Unsupported as exc:
            raise self.refuse(
                element, f"{what} {text.strip()!r}: {exc.why}: {exc.construct!r}"
            ) from None

    def _timer(self, element: etree._Element) -> None:
        text = (element.text or "").strip()
        if juel.is_expression(text):
            element.text = self._juel(element, "timer", text)
        elif _ISO_LIKE.match(text):
            element.text = repr(text)

    def _script_task(self, element: etree._Element) -> None:
        script_format = element.get("scriptFormat")
        if script_format and script_format.lower() not in ("python", "text/x-python"):
            raise self.refuse(
                element, f"scriptFormat {script_format!r} is not supported; scripts are Python"
            )
        script = element.find(_q(BPMN, "script"))
        if script is not None and re.search(r"\blane_owners\b", script.text or ""):
            self.design.warn(
                self.name,
                element,
                "lane_owners is not read by this engine: map the lanes to roles in administration",
            )


def _spiff_properties(element: etree._Element) -> dict[str, str]:
    props: dict[str, str] = {}
    ext = element.find(_q(BPMN, "extensionElements"))
    if ext is None:
        return props
    for holder in ext.findall(_q(SPIFF, "properties")):
        for prop in holder.findall(_q(SPIFF, "property")):
            props[str(prop.get("name"))] = str(prop.get("value") or "")
    return props


def _set_spiff_properties(element: etree._Element, props: dict[str, str]) -> None:
    """Replace the element's spiffworkflow:properties with ``props``."""
    ext = element.find(_q(BPMN, "extensionElements"))
    if ext is None:
        ext = etree.Element(_q(BPMN, "extensionElements"))
        docs = element.findall(_q(BPMN, "documentation"))
        position = element.index(docs[-1]) + 1 if docs else 0
        element.insert(position, ext)
    for holder in ext.findall(_q(SPIFF, "properties")):
        ext.remove(holder)
    if not props:
        return
    holder = etree.SubElement(ext, _q(SPIFF, "properties"))
    for name, value in props.items():
        etree.SubElement(holder, _q(SPIFF, "property"), name=name, value=value)


def _typed_default(kind: str, value: str) -> Any:
    if kind == "integer":
        try:
            return int(value)
        except ValueError:
            return value
    if kind == "boolean":
        return value.strip().lower() == "true"
    return value
