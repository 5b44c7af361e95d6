"""Catalog sync: copy the product types the plugins declare into ``Product`` and ``Plan`` rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core.clock import utcnow
from core.errors import ConflictError
from core.languages import say
from core.models.catalog import Plan, Product
from core.plugins import product_types
from core.products import PlanSpec, ProductType, text_in


@dataclass
class SyncReport:
    """What a sync changed, as ``product`` or ``product/plan`` keys."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.retired)


def sync_catalog(session: Session, declared: Mapping[str, tuple[str, ProductType]]) -> SyncReport:
    """Create, update and retire products and plans so the rows match ``declared``.

    ``declared`` maps each product type key to its plugin's name and the product type.
    Idempotent: a second run with the same declarations changes nothing. Nothing is deleted:
    a product or plan the plugins no longer declare is retired, and revived if it returns.
    """
    report = SyncReport()
    existing = {
        product.key: product
        for product in session.scalars(select(Product).options(selectinload(Product.plans)))
    }
    for key, (plugin, product_type) in sorted(declared.items()):
        values = dict(
            plugin=plugin,
            name=text_in(product_type.name),
            description=text_in(product_type.description),
            translations=product_type.translations(),
            unit=product_type.unit,
            retired_at=None,
        )
        product = existing.pop(key, None)
        if product is None:
            product = Product(key=key, plans=[], **values)
            session.add(product)
            report.created.append(key)
        elif _apply(product, **values):
            report.updated.append(key)
        else:
            report.unchanged.append(key)
        _sync_plans(product, product_type.plans, report)
    for key, product in sorted(existing.items()):
        if product.retired_at is None:
            product.retired_at = utcnow()
            report.retired.append(key)
        _sync_plans(product, (), report)
    session.flush()
    return report


def _sync_plans(product: Product, specs: tuple[PlanSpec, ...], report: SyncReport) -> None:
    plans = {plan.code: plan for plan in product.plans}
    for spec in specs:
        label = f"{product.key}/{spec.code}"
        values = dict(
            name=text_in(spec.name),
            translations=spec.translations(),
            billing_period=spec.billing_period,
            term_months=spec.term_months,
            trial_days=spec.trial_days,
            rank=spec.rank,
            features=dict(spec.features),
            cost_amount=spec.cost_price.amount if spec.cost_price else None,
            cost_currency=spec.cost_price.currency if spec.cost_price else None,
            retired_at=None,
        )
        plan = plans.pop(spec.code, None)
        if plan is None:
            product.plans.append(Plan(code=spec.code, **values))
            report.created.append(label)
        elif _apply(plan, **values):
            report.updated.append(label)
        else:
            report.unchanged.append(label)
    for code, plan in sorted(plans.items()):
        if plan.retired_at is None:
            plan.retired_at = utcnow()
            report.retired.append(f"{product.key}/{code}")


def _apply(row: Product | Plan, **values: object) -> bool:
    """Set the attributes that differ; return whether any did."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def one_unit(product: Product) -> bool:
    """Whether a line or a subscription of ``product`` is always one unit: an account holds it once (a
    reseller plan), or each subscription is one thing (a domain)."""
    found = product_types().get(product.key)
    return found is not None and (found[1].one_subscription_per_account or found[1].fixed_quantity)


def declared_type(product: Product) -> ProductType:
    """The product type behind ``product``; a product no installed plugin declares cannot be served."""
    found = product_types().get(product.key)
    if found is None:
        raise ConflictError(say("%(product)s is no longer supplied by any installed plugin.", product=product.said_name))
    return found[1]
