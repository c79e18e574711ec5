"""Deterministic synthetic demand and resource lists in Chinese, shaped like a province.

``size`` demands and ``size`` resources. One district per 1,000 of each; a district has 8
streets of 8 communities. Demands sit in communities; resources come from 40 units per
district and serve the district (70%), a street (25%), a community (4.8%) or the whole
province (0.2%). Texts are assembled from the phrases residents and units use, per service
domain, with names, numbers and places so that few texts repeat.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from gongjian.cobuild.matching import Demand, Preference, Resource

SEED = 20240601

# domain: (category, demand titles, demand phrases, resource titles, resource phrases, units)
DOMAINS: dict[str, tuple[str, list[str], list[str], list[str], list[str], list[str]]] = {
    "照护": (
        "阳光银",
        ["老人卧床没人照顾", "家里老人需要护理", "照顾老人太累了", "失能老人家庭需要帮手"],
        [
            "老伴住院了一个人照顾不过来",
            "老人中风后一直卧床",
            "白天上班家里老人没人看着",
            "全家轮流照顾快撑不住了",
            "想请人上门护理几天",
            "老人出院后生活不能自理",
        ],
        ["居家照护喘息服务", "失能老人上门护理", "家庭照护者培训"],
        [
            "为失能半失能老人家庭提供短期替代照护",
            "专业护理员上门",
            "让照护家属歇一歇",
            "培训家庭照护技能",
            "提供助浴助洁服务",
        ],
        ["区卫健委", "区民政局", "区红十字会"],
    ),
    "助餐": (
        "阳光银",
        ["独居老人吃饭难", "想办个老年食堂", "老人希望有人送饭"],
        [
            "老人腿脚不好买菜做饭困难",
            "子女上班中午没人做饭",
            "高龄老人下不了楼",
            "一顿饭凑合两顿",
            "盼着家门口有个吃饭的地方",
        ],
        ["老年助餐服务", "长者食堂配餐", "送餐上门"],
        [
            "为高龄独居老人送餐上门",
            "协调助餐企业为老年食堂配餐",
            "提供营养均衡的午餐",
            "困难老人就餐补贴",
        ],
        ["区民政局", "区商务局", "区市场监管局"],
    ),
    "手机": (
        "阳光银",
        ["老人不会用智能手机", "想学手机挂号", "扫码付款学不会"],
        [
            "看病都要在手机上预约",
            "不会用微信视频",
            "出门打不到车",
            "两眼一抹黑",
            "孩子不在身边没人教",
        ],
        ["老年人智能手机培训", "数字助老课堂"],
        [
            "教老人用手机挂号和视频通话",
            "讲解扫码支付和网约车",
            "识别网络谣言",
            "科技志愿者一对一辅导",
        ],
        ["区科协", "区数据局", "区通信公司"],
    ),
    "法律": (
        "平安蓝",
        ["借出去的钱要不回来", "想找律师问问", "家里遗产怎么分", "合同纠纷想维权"],
        [
            "打了欠条一直不还",
            "父亲去世没留遗嘱",
            "装修公司收了定金不干活",
            "不知道该找谁问法律问题",
            "想弄清楚法律上怎么规定",
        ],
        ["法律咨询进社区", "法律援助工作站", "律师驻点坐班"],
        [
            "提供合同借贷继承等法律咨询",
            "协助申请法律援助",
            "律师每周驻社区半天",
            "以案说法讲解民法典",
        ],
        ["区司法局", "区法院", "区律师协会"],
    ),
    "调解": (
        "平安蓝",
        ["邻里纠纷需要调解", "楼上漏水协商不成", "家庭矛盾闹翻了"],
        [
            "两家见面就吵",
            "说了也不听",
            "为赡养老人吵得不可开交",
            "邻居装修天天砸墙",
            "找了几次都不认账",
        ],
        ["人民调解员进网格", "矛盾纠纷调解室"],
        ["化解邻里纠纷和家庭矛盾", "专职调解员下沉网格", "小事不出网格", "调处物业纠纷"],
        ["区司法局", "区信访局", "区政法委"],
    ),
    "反诈": (
        "平安蓝",
        ["老人被骗买保健品", "接到冒充客服的电话", "刷单被骗了"],
        [
            "有人送鸡蛋哄老人买保健品",
            "差点把钱转过去",
            "说年收益百分之二十",
            "希望有人来讲讲怎么防范",
            "好几户已经上当了",
        ],
        ["反诈宣传进社区", "防范电信网络诈骗讲座"],
        [
            "讲解电信网络诈骗常见手法",
            "帮助安装国家反诈中心App",
            "提醒老年人警惕投资理财骗局",
            "用真实案例以案说法",
        ],
        ["区公安分局", "区金融办", "区银行"],
    ),
    "税务": (
        "暖心红",
        ["个税汇算不会操作", "小店不会开发票", "子女教育能抵税吗"],
        [
            "不知道要补税还是退税",
            "客人要发票不会开",
            "听说可以少交税不知道在哪填",
            "报税都找人代办",
        ],
        ["个税汇算上门辅导", "个体工商户办税服务"],
        [
            "手把手教个人所得税App汇算",
            "填报专项附加扣除",
            "发票开具和申报指导",
            "讲解小规模纳税人减免政策",
        ],
        ["区税务局"],
    ),
    "就业": (
        "暖心红",
        ["下岗了找不到工作", "大学生毕业待业", "想学门手艺"],
        [
            "年纪大了招聘都不要",
            "毕业一年还没找到工作",
            "想学电工或者育婴师",
            "家长很着急",
            "听说有免费培训",
        ],
        ["家门口就业服务站", "职业技能培训"],
        ["岗位推荐和简历指导", "职业技能培训报名", "帮助失业人员再就业", "组织专场招聘会"],
        ["区人社局", "区总工会", "区工商联"],
    ),
    "健康": (
        "天使白",
        ["老人想免费查查身体", "高血压老人需要医生", "想找中医调理"],
        [
            "好几年没体检了",
            "排队开药很辛苦",
            "腰腿疼关节不舒服",
            "血糖一直控制不好",
            "希望医生能定期上门",
        ],
        ["专家义诊进社区", "家庭医生签约", "中医坐诊"],
        ["免费测血压血糖", "家庭医生上门随访", "把脉问诊调理建议", "老年人免费体检"],
        ["区卫健委", "区人民医院", "区中医院"],
    ),
    "心理": (
        "天使白",
        ["独居老人整天闷在家", "孩子压力大睡不着", "心情不好想找人聊聊"],
        ["话越来越少", "焦虑失眠情绪波动大", "担心他想不开", "一个人在家很孤独"],
        ["心理健康咨询驻点", "心理疏导热线"],
        ["心理咨询师驻点社区", "开展心理疏导和情绪减压", "关注青少年和独居老人心理健康"],
        ["区卫健委", "区妇联", "区团委"],
    ),
    "托管": (
        "暖心红",
        ["孩子放学没人管", "暑假孩子没地方去", "作业辅导不了"],
        ["双职工下班晚", "孩子在家打游戏", "数学题看不懂", "孩子在外面乱跑", "想有个地方管着"],
        ["四点半课堂", "暑期托管班", "假期成长营"],
        [
            "教师党员辅导作业",
            "放学后无人看管的孩子",
            "安排阅读体育和兴趣课程",
            "解决双职工家庭看护难题",
        ],
        ["区教育局", "团区委", "区妇联"],
    ),
    "消防": (
        "平安蓝",
        ["楼道堆满杂物", "电动车推上楼充电", "老房子电线老化", "高楼着火怎么逃"],
        [
            "万一着火跑不出去",
            "从窗户拉电线下来充电",
            "经常跳闸冒火花",
            "不知道着火往哪跑",
            "燃气管用了好多年",
        ],
        ["消防安全入户检查", "电动自行车安全充电", "疏散逃生演练"],
        [
            "排查燃气和电线老化隐患",
            "劝导居民不飞线充电",
            "建设集中充电桩",
            "指导使用灭火器",
            "组织高层住宅疏散演练",
        ],
        ["区消防救援大队", "区应急管理局"],
    ),
    "环境": (
        "生态绿",
        ["垃圾分类推不动", "小巷子脏乱差", "河沟发臭", "楼下油烟太大"],
        ["大家还是混着扔", "堆满建筑垃圾", "水发黑发臭", "油烟熏得没法开窗", "夏天蚊虫多"],
        ["垃圾分类督导", "背街小巷环境整治", "油烟噪声投诉处理"],
        [
            "在投放点指导分类投放",
            "清理卫生死角和乱堆乱放",
            "整治占道经营",
            "现场检测油烟噪声督促整改",
            "河道巡查和保洁",
        ],
        ["区城管局", "区生态环境分局", "区水务局"],
    ),
    "住房": (
        "暖心红",
        ["没电梯老人上下楼难", "物业不管事", "水龙头坏了没人修", "墙上裂缝"],
        [
            "住六楼一年下不了几次楼",
            "还要涨物业费",
            "下水道老是堵",
            "灯泡坏了够不着",
            "下雨往屋里渗水",
        ],
        ["老旧小区改造咨询", "物业纠纷调处", "党员志愿维修队"],
        ["协调加装电梯", "指导成立业主委员会", "上门维修水电疏通下水道", "房屋安全排查鉴定"],
        ["区住建局", "区城投集团", "区房管中心"],
    ),
    "文体": (
        "暖心红",
        ["合唱队缺老师", "想学太极拳", "社区书屋没新书", "年轻人没地方打球"],
        [
            "没人懂乐理唱得不齐",
            "想系统学学八段锦",
            "孩子们想看新绘本",
            "想排个节目参加汇演",
            "健身器材坏了",
        ],
        ["群众文艺辅导", "全民健身指导", "流动图书馆", "场馆错时开放"],
        ["辅导合唱队舞蹈队排练", "教授太极拳八段锦", "每月送书进社区", "周末开放羽毛球乒乓球场馆"],
        ["区文旅局", "区图书馆", "区文化馆", "区体育中心"],
    ),
}

PLACE_A = "青东兴新柳石桂望晨金银玉华安和平宁康福泰永丰瑞祥云海"
PLACE_B = "禾湖隆村岸桥园江辉山河林溪泉湾城阳川峰源庄塘坡岭苑"
NAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
FILLERS = [
    "最近",
    "这段时间",
    "听邻居说",
    "我们楼里",
    "好多居民反映",
    "今年以来",
    "一到周末",
    "住了二十多年",
    "说实话",
    "眼看天冷了",
    "天一热",
    "前些天",
]


def _vary(rng: random.Random, phrases: list[str], k: int) -> list[str]:
    picked = rng.sample(phrases, k=min(len(phrases), k))
    return [rng.choice(FILLERS) + p if rng.random() < 0.5 else p for p in picked]


@dataclass(frozen=True, slots=True)
class Lists:
    demands: list[Demand]
    resources: list[Resource]


def _place(rng: random.Random, used: set[str], suffix: str) -> str:
    while True:
        name = rng.choice(PLACE_A) + rng.choice(PLACE_B) + suffix
        if name not in used or len(used) > 600:
            used.add(name)
            return name


def generate(size: int, seed: int = SEED) -> Lists:
    rng = random.Random(seed)
    n_districts = max(1, size // 1000)
    districts = []
    used: set[str] = set()
    for i in range(n_districts):
        district = f"{_place(rng, used, '')}{i + 1}区"
        streets = []
        for _ in range(8):
            street = f"{district}/{_place(rng, set(), '街道')}"
            streets.append([f"{street}/{_place(rng, set(), '社区')}" for _ in range(8)])
        districts.append((district, streets))
    domains = list(DOMAINS)

    demands = []
    for i in range(size):
        district, streets = districts[i % n_districts]
        community = rng.choice(rng.choice(streets))
        category, titles, phrases, _, _, _ = DOMAINS[rng.choice(domains)]
        picked = _vary(rng, phrases, rng.randint(2, 3))
        who = f"{rng.choice(NAMES)}{rng.choice(['大爷', '阿姨', '奶奶', '师傅', '女士'])}"
        where = f"{rng.randint(1, 30)}号楼{rng.randint(1, 6)}单元"
        description = f"{where}的{who}反映，" + "，".join(picked) + "。"
        demands.append(
            Demand(
                id=f"D{i + 1:06d}",
                title=rng.choice(titles),
                description=description,
                category=category if rng.random() < 0.5 else "",
                area=community,
            )
        )

    resources = []
    for i in range(size):
        district, streets = districts[i % n_districts]
        domain = rng.choice(domains)
        category, _, _, titles, phrases, units = DOMAINS[domain]
        unit = rng.choice(units)
        roll = rng.random()
        if roll < 0.002:
            area = ""
        elif roll < 0.70:
            area = district
        elif roll < 0.95:
            area = rng.choice(streets)[0].rsplit("/", 1)[0]
        else:
            area = rng.choice(rng.choice(streets))
        picked = _vary(rng, phrases, rng.randint(2, 3))
        description = f"{unit}{rng.choice(['党支部', '党委', '机关党委'])}" + "，".join(picked)
        description += f"，每{rng.choice(['周', '月', '季度'])}{rng.randint(1, 4)}次。"
        resources.append(
            Resource(
                id=f"R{i + 1:06d}",
                title=rng.choice(titles),
                description=description,
                category=category,
                area=area,
                capacity=rng.randint(1, 5),
            )
        )
    return Lists(demands, resources)


def preferences(
    lists: Lists, top: dict[str, list[tuple[str, float]]], seed: int = SEED
) -> list[Preference]:
    """Each demand ranks up to 5 of its candidates (best first, with a little noise); each
    resource ranks every demand that ranked it, by score with noise."""
    rng = random.Random(seed + 1)
    prefs: list[Preference] = []
    chosen_by: dict[str, list[tuple[float, str]]] = {}
    for d_id in sorted(top):
        ranked = sorted(top[d_id][:8], key=lambda c: -(c[1] + rng.uniform(0, 0.1)))[:5]
        for rank, (r_id, score) in enumerate(ranked, start=1):
            prefs.append(Preference("demand", d_id, r_id, rank))
            chosen_by.setdefault(r_id, []).append((score + rng.uniform(0, 0.1), d_id))
    for r_id in sorted(chosen_by):
        ranked_d = sorted(chosen_by[r_id], key=lambda x: (-x[0], x[1]))
        for rank, (_, d_id) in enumerate(ranked_d, start=1):
            prefs.append(Preference("resource", r_id, d_id, rank))
    return prefs
