"""The Jinja filters every app shares, each named after its function: the values written for people
(``web.formatting``) and the words for the platform's codes (``web.code_words``)."""

from __future__ import annotations

from flask import Flask

from web.code_words import (
    account_kind_word,
    billing_period_word,
    charge_kind_word,
    lifecycle_word,
    permission_word,
    priority_word,
    status_word,
)
from web.formatting import (
    day,
    decimal_input,
    moment,
    money,
    month,
    number,
    param_label,
    payment_method_word,
    per_period,
    per_unit,
    plain,
    plan_name,
    plan_own_name,
    unit_name,
    units,
    worded,
    words,
)


def install_filters(app: Flask) -> None:
    """Make each of these a Jinja filter of ``app``."""
    app.jinja_env.filters.update(
        money=money, day=day, month=month, moment=moment, words=words, plain=plain, plan_name=plan_name,
        param_label=param_label, per_period=per_period, per_unit=per_unit, units=units, unit_name=unit_name,
        payment_method_word=payment_method_word, status_word=status_word, priority_word=priority_word,
        permission_word=permission_word, charge_kind_word=charge_kind_word, billing_period_word=billing_period_word,
        lifecycle_word=lifecycle_word, account_kind_word=account_kind_word, decimal_input=decimal_input, number=number,
        worded=worded, plan_own_name=plan_own_name)
