"""Realistic, deterministic Chinese names and mobile numbers for the demo data."""

import random

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强海燕玉兰淑珍红梅春梅丽娟晓东晓明德胜文博子涵浩然欣怡雨桐"


def person_name(rng: random.Random) -> str:
    given_len = rng.choice([1, 2, 2])
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(given_len))


def mobile(rng: random.Random, taken: set[str], *, block: int | None = None) -> str:
    """A mobile number not in `taken`; with a `block` (0-9) its third digit is the block, so blocks never collide."""
    while True:
        number = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}" if block is None else f"1{rng.choice('3456789')}{block}{rng.randrange(10**8):08d}"
        if number not in taken:
            taken.add(number)
            return number
