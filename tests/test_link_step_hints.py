"""A step of «Подключить лицевой счёт» that waits for a button: anything typed gets the hint with the step's
buttons under it (the ones above may be far up, or gone), and a section command leaves the dialog for its section."""

from __future__ import annotations

from bot.fsm.accounts import LinkAccount
from bot.texts import accounts as t
from bot.texts import common as ct
from bot.texts.render import fmt
from tests.factories import PAYER_PHONE, world
from tests.test_accounts import to_number_step, to_proof_step
from tests.test_accounts_by_phone import state_of


async def test_text_at_the_proof_step_brings_the_other_proofs_back(client, sessions, dp):
    await world(sessions)
    await to_proof_step(client)
    (hint,) = await client.send("не понимаю")
    assert hint.text == t.PROOF_HINT.format(share=t.BTN_SHARE_PHONE)
    assert hint.buttons == [t.BTN_BILL, t.BTN_STAFF]
    assert await state_of(dp, client) == LinkAccount.proof.state
    replies = await client.click(t.BTN_BILL)  # the button of the hint works as the one above it
    assert await state_of(dp, client) == LinkAccount.bill_total.state, replies


async def test_a_section_command_at_a_button_step_opens_its_section(client, sessions, dp):
    await world(sessions)
    (choice,) = await client.share_contact(PAYER_PHONE)  # two accounts on the phone: the choice is open
    assert choice.text == t.PHONE_FOUND_MANY
    replies = await client.send("/vote")
    assert all(r.text != t.PHONE_PICK_HINT for r in replies)
    assert await state_of(dp, client) != LinkAccount.phone_pick.state

    await to_proof_step(client)
    replies = await client.send("/appeal")
    assert all(r.text != t.PROOF_HINT.format(share=t.BTN_SHARE_PHONE) for r in replies)
    assert await state_of(dp, client) != LinkAccount.proof.state


async def test_a_phone_shared_at_steps_1_and_2_links_by_it(client, sessions, dp):
    await world(sessions)
    await client.send(ct.BTN_ACCOUNTS)
    await client.click(t.BTN_LINK)
    assert await state_of(dp, client) == LinkAccount.address.state
    (choice,) = await client.share_contact(PAYER_PHONE)  # the phone of the owner of flat 12: two accounts
    assert choice.text == t.PHONE_FOUND_MANY and await state_of(dp, client) == LinkAccount.phone_pick.state

    await client.send("/cancel")
    await to_number_step(client)
    (none,) = await client.share_contact("+79990001122")  # proves nothing: the step stays
    assert none.text == fmt(t.PHONE_FOUND_NONE, phone="+79990001122", link=t.BTN_LINK)
    assert await state_of(dp, client) == LinkAccount.number.state
