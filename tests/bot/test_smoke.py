from tests.bot.world import dm_answering, make_world, reply_text


async def test_whole_loop(env):
    world = make_world(env, members=4)
    result = await world.create_project()
    assert result.ephemeral
    print(reply_text(result))
    await world.join_all()
    result = await world.open_checkin()
    print(reply_text(result))
    for i, member in enumerate(world.members):
        answering = dm_answering(member)
        await answering.click("Start")
        await answering.answer_all([4, 3, 2, 5, 4, 3, 2, 1, 5, None], comments={0: f"hi <@{member.id}> @everyone"})
        print(answering.message.content)
    result = await world.close_checkin()
    print(reply_text(result))
    for m in world.channel.history():
        print("----", m.content)
