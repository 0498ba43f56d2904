import discord
from tests.bot.world import make_world, reply_text, labels


async def test_probe(env):
    world = make_world(env, members=2)
    print("NOW", env.now())
    r = await world.create_project()
    print(r, r.ephemeral, r.response.ephemeral, repr(reply_text(r)))
    print(world.card.content, labels(world.card))
    p = await env.bot.store.find_project(world.guild.id, "youth board")
    print(p)
    print(await env.bot.store.list_checkins(p.id))
    m = world.members[0]
    r = await m.click(world.card, label="Join")
    print("JOIN", r, r.response, len(r.followups))
    r = await world.facilitator.slash(world.channel, "project delete", name="Youth Board")
    print("DEL", r, r.response.message.components)
    r2 = await world.facilitator.click(r.response.message, label="Keep it")
    print("KEEP", r2, reply_text(r2), r2.response.message.components)
    print("ME", world.guild.me, type(world.guild.me))
    locked = world.guild.create_text_channel("locked", overwrites={world.guild.me: discord.PermissionOverwrite(send_messages=False)})
    r = await world.create_project("Other", channel=locked)
    print("LOCKED", reply_text(r))
    r = await m.slash(world.channel, "project list")
    print("MEMBER", r, reply_text(r))
    r = await m.user.slash("privacy")
    print("DMPRIV", r, r.ephemeral, reply_text(r)[:50])
