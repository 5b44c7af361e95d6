"""Every action the platform records in the audit log has words: the core's in ``web.audit_words``, each plugin's
through its ``audit_words`` hook. The actions are read from the source, so recording a new one without words fails."""

from __future__ import annotations

import ast
import importlib
import itertools
from dataclasses import dataclass
from pathlib import Path

from core.models.accounts import Account
from core.models.audit import AuditEvent
from web.audit_words import ACTIONS, audit_actions, change_of, sentence

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class _Module:
    name: str
    tree: ast.Module
    parents: dict[ast.AST, ast.AST]


def _modules(package: str) -> list[_Module]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        found.append(_Module(".".join(path.relative_to(ROOT).with_suffix("").parts), tree, parents))
    return found


def _callee(call: ast.Call) -> str:
    return call.func.id if isinstance(call.func, ast.Name) else call.func.attr if isinstance(call.func, ast.Attribute) else ""


def _enclosing(module: _Module, node: ast.AST) -> ast.FunctionDef | None:
    while (node := module.parents.get(node)) is not None:
        if isinstance(node, ast.FunctionDef):
            return node
    return None


class _Actions:
    """The action codes a package's source passes to ``record_event``, followed through the helpers that pass
    theirs on (``_record(..., "product_user.created")``), f-strings (``f"ticket.{action}"``), constants and tables of
    them (``_AUDITED[action]``)."""

    def __init__(self, package: str) -> None:
        self.modules = _modules(package)

    def codes(self) -> set[str]:
        found: set[str] = set()
        for module in self.modules:
            for call in ast.walk(module.tree):
                if isinstance(call, ast.Call) and _callee(call) == "record_event" and module.name != "core.services.audit":
                    action = next(keyword.value for keyword in call.keywords if keyword.arg == "action")
                    found |= self._values(module, _enclosing(module, call), action)
        return found

    def _values(self, module: _Module, function: ast.FunctionDef | None, node: ast.expr) -> set[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, ast.IfExp):
            return self._values(module, function, node.body) | self._values(module, function, node.orelse)
        if isinstance(node, ast.JoinedStr):
            parts = [{part.value} if isinstance(part, ast.Constant) else self._values(module, function, part.value)
                     for part in node.values]
            return {"".join(chosen) for chosen in itertools.product(*parts)}
        if isinstance(node, ast.Subscript):  # a table of codes: _AUDITED[action] is any of its values
            return self._values(module, function, node.value)
        if isinstance(node, ast.Dict):
            return set().union(*(self._values(module, function, value) for value in node.values))
        if isinstance(node, ast.Attribute):  # an enum's member: TransferStatus.REJECTED
            return {str(eval(ast.unparse(node), vars(importlib.import_module(module.name))))}  # noqa: S307
        if isinstance(node, ast.Name):
            return self._named(module, function, node.id)
        raise AssertionError(f"{module.name}: cannot tell which actions {ast.unparse(node)} records")

    def _named(self, module: _Module, function: ast.FunctionDef | None, name: str) -> set[str]:
        if function is not None:
            assigned = [node.value for node in ast.walk(function) if isinstance(node, ast.Assign)
                        and any(isinstance(target, ast.Name) and target.id == name for target in node.targets)]
            if assigned:
                return set().union(*(self._values(module, function, value) for value in assigned))
            arguments = function.args
            positional = [argument.arg for argument in arguments.posonlyargs + arguments.args]
            if name in positional or name in [argument.arg for argument in arguments.kwonlyargs]:
                return self._passed(module, function, name, positional.index(name) if name in positional else None)
        assigned = [node.value for node in module.tree.body if isinstance(node, ast.Assign)
                    and any(isinstance(target, ast.Name) and target.id == name for target in node.targets)]
        if not assigned:
            raise AssertionError(f"{module.name}: cannot tell which actions {name} records")
        return set().union(*(self._values(module, None, value) for value in assigned))

    def _passed(self, module: _Module, function: ast.FunctionDef, name: str, position: int | None) -> set[str]:
        """What the callers of ``function`` pass as its parameter ``name``: the module's callers for a private one."""
        found: set[str] = set()
        callers = [module] if function.name.startswith("_") else self.modules
        for caller in callers:
            for call in ast.walk(caller.tree):
                if not (isinstance(call, ast.Call) and _callee(call) == function.name):
                    continue
                given = [keyword.value for keyword in call.keywords if keyword.arg == name]
                if not given and position is not None and position < len(call.args):
                    given = [call.args[position]]
                assert given, f"{caller.name}: a call of {function.name} leaves its {name} out"
                found |= self._values(caller, _enclosing(caller, call), given[0])
        assert found, f"{module.name}: nothing calls {function.name}"
        return found


def test_every_action_the_core_records_has_words():
    codes = _Actions("core").codes()
    assert {"order.placed", "price.set", "invitation.created", "ticket.escalated", "transfer.rejected",
            "product_user.licence_assigned", "password_reset.requested", "order.card_declined",
            "subscription.suspended", "subscription.cancellation_undone"} <= codes
    missing = sorted(codes - ACTIONS.keys())
    assert not missing, f"word these actions in web/audit_words.py: {missing}"
    assert not ACTIONS.keys() - codes, "words for actions the core no longer records"


def test_every_action_a_plugin_records_has_words_from_its_hook(app):
    codes = _Actions("plugins").codes() | _Actions("examples/cloud_backup/cloud_backup").codes()
    assert {"website.created", "website.suspended", "domain.nameservers", "cloud_backup.restore_requested"} <= codes
    assert not codes & ACTIONS.keys(), "the core words no plugin's action"
    with app.test_request_context():
        worded = audit_actions()
    missing = sorted(codes - worded.keys())
    assert not missing, f"word these actions in their plugin's audit_words hook: {missing}"


def test_a_sentence_names_what_its_event_recorded_else_the_page_falls_back_to_the_code(app):
    harbour = Account(name="Harbour Dental")
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        actions = audit_actions()
        invited = AuditEvent(action="invitation.created", target_id=7, account=harbour,
                             changes={"team": "Support", "email": "ana@example.com"})
        assert sentence(invited, actions) == "Invitation envoyée à ana@example.com pour l'équipe « Support »"
        assigned = AuditEvent(action="ticket.assigned", target_id=12, account=harbour, changes={"assignee": [None, "Ana"]})
        assert sentence(assigned, actions) == "Ticket 12 attribué à Ana"
        lacking = AuditEvent(action="invitation.created", target_id=7, account=harbour, changes={})
        unknown = AuditEvent(action="subscription.frozen", target_id=7, account=harbour, changes={})
        assert sentence(lacking, actions) is None and sentence(unknown, actions) is None


def test_a_status_or_priority_changed_reads_in_the_words_of_the_pages(app):
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert change_of("status", ["open", "waiting_on_upstream"]) == ("État", "Ouverte", "En attente de l'amont")
        assert change_of("priority", ["normal", "urgent"]) == ("Priorité", "Normale", "Urgente")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert change_of("status", ["active", "suspended"]) == ("Status", "Active", "Suspended")
        assert change_of("status", ["active", "some_new_state"]) == ("Status", "Active", "Some new state")


def test_a_plan_kept_by_its_name_in_each_language_reads_in_the_readers(app):
    harbour = Account(name="Harbour Dental")
    names = {"en": "Web hosting Starter yearly", "fr": "Hébergement web Starter annuel"}
    price_set = AuditEvent(action="price.set", target_id=3, account=harbour, changes={"plan": names, "unit_price": "5"})
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert "Hébergement web Starter annuel" in sentence(price_set, audit_actions())
        assert change_of("plan", names)[1:] == ("Hébergement web Starter annuel", None)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert "Web hosting Starter yearly" in sentence(price_set, audit_actions())
        assert change_of("plan", "Starter")[1] == "Starter"  # an event recorded before: its English name as it was
