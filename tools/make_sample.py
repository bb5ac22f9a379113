"""Write a deterministic sample data root: three monthly exports of the supervision platform.

    python tools/make_sample.py [--out data/sample] [--scale N]

The data are fictional (persons are written 李某华, companies are invented) but shaped like
Baotou's: its districts and banners, its kinds of major projects, amounts in 万元. At scale 1
the newest release (2021-11) lists 714 projects and 766 codes, and the bulletin archive holds
215 bulletins with 385 cases; from 2021-10 on (format 1.1) it also lists Baotou's service windows, 1,110
with 1,110 codes and a year of monthly figures each in 2021-11 (tools/sample_windows.py); --scale N
multiplies every count. The files use the variations
that docs/export-format.md allows (UTF-8 with BOM, GB18030, xlsx; Chinese and English
headers; several spellings of dates, percents and amounts), so a reader is exercised on them.
Same arguments, same bytes: one seeded random.Random, no clock.
"""

from __future__ import annotations

import argparse
import csv
import io
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from random import Random
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import yaml
from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

import sample_windows
from sample_windows import STAT_KEYS, WINDOW_KEYS, SampleWindow

SEED = 20211115
RELEASES = (("2021-09", date(2021, 10, 8)), ("2021-10", date(2021, 11, 5)), ("2021-11", date(2021, 12, 6)))
BLOCK = 715  # projects per scale unit: 714 in the newest release plus the one dropped from it
FIRST_IN = (692, 704, 715)  # block index below which a project is listed from release 0, 1, 2
DROPPED = 136  # block index of the project listed in 2021-09 and 2021-10, not in 2021-11
BULLETINS, CASES = (195, 10, 10), 385  # new bulletins per release, cases in the archive
FIXED_TIME = datetime(2021, 12, 1, 9, 0, 0)
REPO = Path(__file__).resolve().parent.parent

PROJECT_KEYS = {
    "project_id": "项目编号", "name": "项目名称", "region": "所属地区", "category": "项目类别",
    "status": "项目状态", "owner": "建设单位", "contractor": "施工单位", "supervisor": "监理单位",
    "department": "责任部门", "leader": "包联领导", "total_investment": "总投资（万元）",
    "annual_plan": "年度计划投资（万元）", "completed_investment": "累计完成投资（万元）",
    "start_date": "开工日期", "planned_completion": "计划竣工日期", "progress": "形象进度（%）",
    "progress_note": "进展情况", "scope": "建设内容及规模", "location": "建设地点",
    "longitude": "经度", "latitude": "纬度", "hotline": "监督电话", "updated": "更新日期",
}  # fmt: skip
CODE_KEYS = {"code_id": "二维码编号", "project_id": "项目编号", "label": "标识位置"}
PROGRESS_KEYS = {"project_id": "项目编号", "date": "报告日期", "progress": "形象进度（%）",
                 "completed_investment": "累计完成投资（万元）", "note": "进展情况"}  # fmt: skip

# name: (longitude, latitude, weight, title of its head, places)
REGIONS = {
    "昆都仑区": (109.82, 40.64, 14, "区长", "阿尔丁大街 钢铁大街 友谊大街 昆河 卜尔汉图"),
    "青山区": (109.90, 40.66, 12, "区长", "幸福路 青年路 文化路 富强路 兴胜"),
    "东河区": (110.04, 40.58, 11, "区长", "巴彦塔拉大街 南门外大街 和平路 沙尔沁 河东"),
    "九原区": (109.97, 40.60, 11, "区长", "建华南路 哈林格尔 麻池 沙河 新都市区"),
    "石拐区": (110.27, 40.68, 4, "区长", "大发 五当召 吉忽伦图 石拐新区"),
    "白云鄂博矿区": (109.97, 41.77, 3, "区长", "矿山路 通阳道 白云新区"),
    "土默特右旗": (110.52, 40.57, 9, "旗长", "萨拉齐 美岱召 将军尧 双龙 沟门"),
    "固阳县": (110.06, 41.03, 7, "县长", "金山 兴顺西 银号 下湿壕 怀朔"),
    "达尔罕茂明安联合旗": (110.43, 41.70, 8, "旗长", "百灵庙 满都拉 希拉穆仁 巴音花 石宝"),
    "稀土高新区": (109.88, 40.62, 12, "管委会主任", "黄河大街 万水泉 滨河新区 希望园区 稀土大街"),
}
RURAL = "石拐区 白云鄂博矿区 土默特右旗 固阳县 达尔罕茂明安联合旗"
# category, kind, city department, investment range in 万元, scope, regions (None: any)
KINDS = (
    ("基础设施", "道路改造工程", "住房和城乡建设局", 800, 30000, "改造道路长约{km}公里，红线宽{w}米，同步实施雨污水管网、照明、绿化及交通安全设施。", None),
    ("基础设施", "供热管网改造工程", "住房和城乡建设局", 500, 20000, "改造一级供热管网{km}公里、换热站{n}座，惠及居民约{h}户。", None),
    ("基础设施", "雨污分流改造工程", "住房和城乡建设局", 600, 25000, "新建雨水管道{km}公里、污水管道{km2}公里，改造检查井{n}座。", None),
    ("基础设施", "燃气管网改造工程", "住房和城乡建设局", 300, 8000, "更新改造老旧燃气管道{km}公里，更换调压设施{n}处。", None),
    ("基础设施", "桥梁新建工程", "交通运输局", 3000, 60000, "新建桥梁{k}座，总长约{m}米，桥面宽{w}米。", None),
    ("基础设施", "公路改扩建工程", "交通运输局", 5000, 150000, "改扩建公路{km}公里，按二级公路标准建设，设计速度60公里/小时。", RURAL),
    ("基础设施", "城市综合管廊工程", "住房和城乡建设局", 10000, 120000, "建设综合管廊{km}公里，入廊管线包括给水、热力、电力和通信。", "昆都仑区 青山区 九原区 稀土高新区"),
    ("产业项目", "稀土新材料产业园项目", "工业和信息化局", 20000, 500000, "建设稀土功能材料生产厂房{area}平方米及配套设施，达产后年产值约{v}亿元。", "稀土高新区 九原区 土默特右旗"),
    ("产业项目", "稀土永磁材料生产线项目", "工业和信息化局", 10000, 200000, "建设年产{t}吨高性能钕铁硼永磁材料生产线及配套仓储。", "稀土高新区 九原区"),
    ("产业项目", "光伏发电项目", "能源局", 20000, 400000, "建设装机容量{mw}兆瓦光伏电站及220千伏升压站一座。", RURAL),
    ("产业项目", "风电项目", "能源局", 30000, 500000, "安装风电机组{n}台，总装机容量{mw}兆瓦，配套建设升压站和集电线路。", "白云鄂博矿区 固阳县 达尔罕茂明安联合旗"),
    ("产业项目", "现代物流园项目", "商务局", 5000, 120000, "建设仓储物流用房{area}平方米、铁路专用线及信息平台。", None),
    ("产业项目", "铝合金精深加工项目", "工业和信息化局", 10000, 300000, "建设年产{kt}万吨铝合金板带及型材生产线。", "东河区 九原区 土默特右旗"),
    ("产业项目", "单晶硅材料项目", "工业和信息化局", 50000, 600000, "建设年产{gw}吉瓦单晶硅棒及切片生产线。", "青山区 稀土高新区 九原区"),
    ("产业项目", "装备制造产业园项目", "工业和信息化局", 8000, 150000, "建设标准化厂房{area}平方米，引进装备制造企业{k}家。", "青山区 昆都仑区"),
    ("产业项目", "氢能示范项目", "能源局", 5000, 100000, "建设风光制氢一体化示范装置，年产绿氢{t}吨。", "达尔罕茂明安联合旗 固阳县 稀土高新区"),
    ("社会民生", "九年一贯制学校新建工程", "教育局", 5000, 40000, "新建教学楼、综合楼、风雨操场等，总建筑面积{area}平方米，办学规模{k}个班。", None),
    ("社会民生", "中学教学楼改扩建工程", "教育局", 2000, 20000, "改扩建教学楼{area}平方米，新增学位{seats}个。", None),
    ("社会民生", "幼儿园新建工程", "教育局", 800, 6000, "新建{k}班幼儿园一所，建筑面积{area}平方米。", None),
    ("社会民生", "医院门诊医技楼建设工程", "卫生健康委员会", 10000, 120000, "新建门诊医技楼{area}平方米，新增床位{beds}张。", None),
    ("社会民生", "保障性租赁住房项目", "住房和城乡建设局", 5000, 80000, "建设保障性租赁住房{units}套，总建筑面积{area}平方米。", None),
    ("社会民生", "老旧小区改造工程", "住房和城乡建设局", 500, 15000, "改造老旧小区{k}个、楼栋{n}栋，涉及居民{h}户，实施外墙保温、管网更新和环境整治。", None),
    ("社会民生", "养老服务中心建设项目", "民政局", 1000, 15000, "建设养老床位{beds}张及日间照料、康复护理用房。", None),
    ("社会民生", "全民健身中心项目", "体育局", 2000, 30000, "建设体育馆、游泳馆及室外运动场地，总建筑面积{area}平方米。", None),
    ("生态环保", "污水处理厂提标改造工程", "水务局", 3000, 60000, "污水处理规模{tpd}万吨/日，出水水质提升至一级A标准。", None),
    ("生态环保", "黄河湿地生态修复工程", "林业和草原局", 2000, 50000, "修复黄河滩区湿地{mu}亩，建设生态护岸{km}公里。", "东河区 九原区 土默特右旗 昆都仑区"),
    ("生态环保", "矿山地质环境治理工程", "自然资源局", 1000, 40000, "治理历史遗留矿山{mu}亩，实施边坡修整、土地复垦和植被恢复。", "石拐区 白云鄂博矿区 固阳县 达尔罕茂明安联合旗"),
    ("生态环保", "河道综合治理工程", "水务局", 1500, 45000, "治理河道{km}公里，建设堤防、拦河坝及滨河绿地。", None),
    ("生态环保", "城市绿化提升工程", "城市管理综合执法局", 500, 12000, "新增绿地{ha}公顷，栽植乔灌木{trees}万株。", None),
    ("生态环保", "生活垃圾焚烧发电项目", "城市管理综合执法局", 20000, 150000, "日处理生活垃圾{tons}吨，配套建设飞灰填埋场。", "九原区 土默特右旗 东河区"),
    ("生态环保", "沙化土地综合治理工程", "林业和草原局", 500, 20000, "治理沙化土地{mu}亩，营造防风固沙林。", "固阳县 达尔罕茂明安联合旗 白云鄂博矿区"),
)  # fmt: skip
# the numbers a scope text is filled with: float ranges give one decimal, int ranges whole numbers
SCOPE_NUMBERS = {
    "km": (0.8, 12.0), "km2": (0.5, 8.0), "w": (24, 60), "n": (2, 30), "h": (500, 20000), "m": (120, 1800),
    "v": (5, 80), "t": (2000, 20000), "mw": (50, 500), "area": (8000, 90000), "k": (6, 48),
    "seats": (300, 2400), "beds": (100, 800), "units": (200, 3000), "tpd": (2, 15), "mu": (500, 30000),
    "ha": (5, 120), "trees": (0.5, 30.0), "tons": (600, 2000), "kt": (5, 30), "gw": (5, 20),
}  # fmt: skip
BRANDS = ("北辰", "青峰", "鹿鸣", "金穗", "恒远", "塞上", "瀚海", "聚源", "昊天", "瑞丰", "阴山", "嘉禾", "宏图", "长风", "万泰", "隆盛", "晟达", "云帆", "磐石", "广润", "某某")  # fmt: skip
CITY_POSTS = ("副市长", "市人民政府秘书长", "市人大常委会副主任", "市政协副主席")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田"
SURNAMES += "任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "华军明强伟平刚勇杰峰斌涛磊超亮辉林波宁俊凯鹏飞鑫琳敏静丽芳燕霞红梅兰玲娟英民国庆建新志东生春海宇文武德福贵荣祥瑞泉山川河昌盛旺兴隆彬博"
PHASES = "一二三四五六七八九十"
NOTES = {
    "前期": ("正在办理用地预审与选址意见书。", "可行性研究报告已批复，正在开展初步设计。", "正在进行施工图设计和招标准备。", "环评、能评手续办理中。"),
    "在建": ("主体工程施工中。", "管网与路基同步施工，计划年底前完成主体。", "现场投入施工人员约{n}人、机械{k}台。", "正在进行设备安装调试。",
           "土建工程基本完成，正在进行室外配套。", "正在进行基础施工。", "钢结构吊装施工中。", "按计划推进，未发现影响进度的问题。",
           "主体结构已封顶，正在进行二次结构施工。\n下一步：推进机电安装和室外配套。"),
    "竣工": ("已完成竣工验收，投入使用。", "已通过联合验收，正在办理竣工结算。"),
    "停工": ("因征拆问题暂缓施工，正在协调解决。", "受资金影响暂停施工，责任部门正在协调融资。"),
}  # fmt: skip

# short name, form of the punishment in a sentence, weight
DISPOSITIONS = (
    ("开除党籍、开除公职，移送检察机关", "受到开除党籍、开除公职处分，其涉嫌犯罪问题被移送检察机关依法审查起诉", 3),
    ("开除党籍、开除公职", "受到开除党籍、开除公职处分", 2), ("留党察看一年、政务降级", "受到留党察看一年、政务降级处分", 2),
    ("党内严重警告、政务撤职", "受到党内严重警告、政务撤职处分", 3), ("党内严重警告", "受到党内严重警告处分", 3),
    ("党内警告", "受到党内警告处分", 3), ("政务记大过", "受到政务记大过处分", 2), ("政务记过", "受到政务记过处分", 3),
    ("政务警告", "受到政务警告处分", 2), ("诫勉谈话", "被诫勉谈话", 2),
)  # fmt: skip
CASE_STORIES = {
    "违规插手干预工程建设项目": "{y1}年至{y2}年，{person}在担任{post}期间，利用职务上的便利，违规插手干预{place}等工程项目的招标投标和工程分包，为特定关系人承揽工程提供帮助，先后收受相关企业负责人所送财物共计{amt}万元。",
    "吃拿卡要": "{y1}年至{y2}年，{person}在担任{post}期间，在办理企业{biz}过程中，以“材料不全”“需要现场核查”为由故意刁难，先后多次向{n}家企业索要购物卡、烟酒等财物，折合人民币{amt}万元，并多次接受企业安排的宴请。",
    "不作为慢作为": "{y2}年，{person}在担任{post}期间，对某企业提交的{biz}申请长期搁置，超出承诺时限{n}个工作日仍未办结，企业多次反映后仍推诿拖延，导致{place}延期开工，给企业造成经济损失约{amt}万元。",
    "乱收费乱罚款": "{y1}年至{y2}年，{person}在担任{post}期间，违反规定以{fee}名义向辖区{n}家企业收取费用共计{amt}万元，未开具正规票据，部分款项用于单位发放福利和公务接待。",
    "违规收受礼金": "{y1}年至{y2}年春节、中秋节期间，{person}在担任{post}期间，先后{n}次收受管理服务对象所送礼金、消费卡共计{amt}万元，并接受可能影响公正执行公务的宴请。",
    "设置隐性壁垒": "{y2}年，{person}在担任{post}期间，在{place}招标过程中，授意在招标文件中设置与项目无关的业绩和注册地要求，排斥、限制{n}家外地企业参与竞争，破坏公平竞争的市场环境。",
    "拖欠企业账款": "{y1}年至{y2}年，{person}在担任{post}期间，对{place}已完工验收部分的工程款长期拖欠不付，涉及金额{amt}万元，施工企业{n}次催要仍以“资金紧张”为由推脱，造成不良社会影响。",
    "滥用职权损害企业利益": "{y2}年，{person}在担任{post}期间，滥用职权，违规要求{n}家企业停工整改，并暗示企业从其亲属经营的公司采购材料，给企业造成经济损失{amt}万元。",
    "以权谋私": "{y1}年至{y2}年，{person}利用担任{post}的职务便利，为亲属实际控制的公司在{place}中承揽土方和材料供应业务提供帮助，其亲属从中获利{amt}万元。",
    "形式主义官僚主义": "{y2}年，{person}在担任{post}期间，在推进{place}建设中，对企业反映的审批问题层层转办、推诿扯皮，要求企业重复提交材料{n}次，致使项目审批耗时过长，影响营商环境。",
}  # fmt: skip
PROJECT_CATEGORIES = ("违规插手干预工程建设项目", "不作为慢作为", "设置隐性壁垒", "拖欠企业账款", "以权谋私", "形式主义官僚主义")  # fmt: skip
INQUIRIES = (
    "{year}年{month}月，纪检监察机关在开展营商环境专项监督中发现该问题线索，经初步核实后，依规依纪依法对{person}立案审查调查。调查期间，{person}能够主动交代问题，积极退缴违纪所得。",
    "该问题线索由企业通过“码上监督”平台反映。{year}年{month}月，纪检监察机关对{person}立案审查调查，查实其在履职过程中违反廉洁纪律和工作纪律的问题。",
    "{year}年{month}月，巡察组在对相关单位开展常规巡察时发现该问题，移交纪检监察机关处理。经查，反映问题基本属实，{person}对所犯错误作了检讨。",
)  # fmt: skip
OTHER_ISSUES = "违规收受礼品礼金 违规接受管理服务对象宴请 违规借用管理服务对象车辆 对分管领域问题监管失职 违规干预下属单位人事安排 在组织函询时不如实说明问题"
CLOSERS = (
    "案件查处后，相关单位举一反三，对在建项目逐一排查，**建立问题台账、限期整改**。",
    "**{person}身为党员干部，纪法意识淡薄，漠视企业诉求，教训深刻。**",
    "相关违规款项已**全部退还**企业，有关单位负责人被严肃问责。",
    "该案暴露出相关单位监督管理缺位等问题，当地已开展专项整治，推动完善制度机制。",
)
UNITS = (
    ("{r}住房和城乡建设局", ("党组书记、局长", "副局长", "建筑业管理科科长")),
    ("{r}自然资源局", ("局长", "副局长", "规划科科长")),
    ("{r}某某镇", ("党委书记", "镇长", "副镇长")),
    ("{r}某某街道办事处", ("主任", "副主任")),
    ("{r}行政审批和政务服务局", ("局长", "副局长", "审批科科长")),
    ("{r}市场监督管理局某某市场监管所", ("所长", "副所长")),
    ("{r}交通运输局", ("局长", "副局长")),
    ("{r}某某局", ("党委书记、局长", "副局长")),
    ("{r}某某国有公司", ("党委书记、董事长", "总经理", "副总经理")),
)
NMG_CITIES = ("包头市", "包头市", "呼和浩特市", "鄂尔多斯市", "赤峰市", "通辽市", "乌兰察布市", "巴彦淖尔市", "乌海市", "呼伦贝尔市", "锡林郭勒盟")  # fmt: skip
DISTRICT_CODES = ("KDL", "QS", "DH", "JY", "SG", "BY", "TY", "GY", "DM", "XT")  # in the order of REGIONS
GENERIC_PLACES = ("某道路改造工程", "某供热管网改造工程", "某老旧小区改造工程", "某产业园基础设施项目", "某学校新建工程", "某保障性住房项目")  # fmt: skip
BULLETIN_TITLES = (
    "通报{n}起损害营商环境问题典型案例",
    "通报{n}起优化营商环境领域不正之风和腐败问题典型案例",
    "公开通报{n}起破坏营商环境典型问题",
    "通报{n}起工程建设领域违纪违法典型案例",
)
SUMMARY = (
    "为持续优化营商环境，{issuer}对近期查处的{n}起损害营商环境问题典型案例进行通报曝光。\n\n"
    "通报指出，**各级党组织和广大党员干部要引以为戒**，切实增强服务企业意识，坚决纠治吃拿卡要、推诿扯皮等突出问题。\n"
)


@dataclass(eq=False)
class Project:
    number: int
    project_id: str
    first: int  # index of the first release that lists it
    last: int  # index of the last release that lists it
    fields: dict = field(default_factory=dict)  # the columns that stay
    states: list = field(default_factory=list)  # per release index: the columns that change


@dataclass(eq=False)
class Code:
    code_id: str
    project: Project
    label: str
    first: int


def rand_date(rng: Random, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randint(0, max(0, (hi - lo).days)))


def money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def maybe(rng: Random, blank_share: float, value):
    """Leave an optional field blank now and then, as data entry on the platform does."""
    return None if rng.random() < blank_share else value


def build_projects(rng: Random, scale: int) -> list[Project]:
    width = max(4, len(str(BLOCK * scale)))
    seen_names: dict[str, int] = {}
    projects = []
    for number in range(1, BLOCK * scale + 1):
        i = (number - 1) % BLOCK
        first = next(r for r, limit in enumerate(FIRST_IN) if i < limit)
        project = Project(number, f"BT-{number:0{width}d}", first, 1 if i == DROPPED else 2)
        build_project(rng, project, seen_names, "stalled" if i == DROPPED else None)
        projects.append(project)
    return projects


def build_project(rng: Random, p: Project, seen_names: dict, profile: str | None) -> None:
    category, kind, dept, lo, hi, scope, where = rng.choice(KINDS)
    regions = where.split() if where else list(REGIONS)
    region = rng.choices(regions, [REGIONS[r][2] for r in regions])[0]
    lon, lat, _, head, places = REGIONS[region]
    place = rng.choice(places.split())
    name = f"{region}{place}{kind}"
    seen_names[name] = phase = seen_names.get(name, 0) + 1
    if phase > 1:
        name += f"（{PHASES[phase - 1] if phase <= 10 else phase}期）"
    total = Decimal(rng.randint(lo, hi)) if rng.random() < 0.4 else Decimal(rng.randint(lo * 10, hi * 10)) / 10
    if profile is None:
        weights = (6, 5, 62, 10, 12, 1.5) if p.first == 0 else (50, 0, 50, 0, 0, 0)
        profile = rng.choices(("planned", "starting", "building", "finishing", "done", "stalled"), weights)[0]
    turn = rng.choice((1, 2))  # the release in which a starting, finishing or stalled project changes status
    start, end = plan_dates(rng, profile, p.first, turn)
    numbers = {
        k: round(rng.uniform(a, b), 1) if isinstance(a, float) else rng.randint(a, b)
        for k, (a, b) in SCOPE_NUMBERS.items()
    }
    owner, builder, watcher = rng.choice(BRANDS), rng.choice(BRANDS), rng.choice(BRANDS)
    city_led = rng.random() < 0.7
    district = "包头稀土高新区管委会" if region == "稀土高新区" else f"{region}人民政府"
    post = rng.choice(CITY_POSTS) if city_led else f"{region}{head}"
    coords = maybe(rng, 0.04, (f"{lon + rng.uniform(-0.06, 0.06):.6f}", f"{lat + rng.uniform(-0.05, 0.05):.6f}"))
    p.fields = {
        "project_id": p.project_id, "name": name, "region": region, "category": category,
        "owner": rng.choice((f"包头市{owner}建设投资有限公司", f"包头市{owner}城市开发建设有限公司",
                             f"内蒙古{owner}实业有限公司", f"{region}{owner}投资运营有限公司")),
        "contractor": maybe(rng, 0.08, rng.choice((f"内蒙古{builder}建设集团有限公司", f"包头{builder}路桥工程有限公司",
                                                   f"{builder}建工集团有限公司"))),
        "supervisor": maybe(rng, 0.2, rng.choice((f"内蒙古{watcher}工程项目管理有限公司", f"包头市{watcher}建设监理有限责任公司"))),
        "department": f"包头市{dept}" if city_led else district,
        "leader": maybe(rng, 0.1, f"{rng.choice(SURNAMES)}某某（{post}）"),
        "total_investment": total,
        "annual_plan": maybe(rng, 0.1, money(total * rng.randint(10, 50) / 100)),
        "start_date": start, "planned_completion": end,
        "scope": maybe(rng, 0.05, scope.format(**numbers)),
        "location": maybe(rng, 0.05, f"{region}{place}{rng.choice(('', '以南', '以北', '东侧', '西侧', '沿线', '片区'))}"),
        "longitude": Decimal(coords[0]) if coords else None, "latitude": Decimal(coords[1]) if coords else None,
        "hotline": maybe(rng, 0.05, f"0472-{rng.choice('2567')}{rng.randint(0, 999999):06d}" if rng.random() < 0.9 else "12345"),
    }  # fmt: skip
    p.states = plan_states(rng, profile, p.first, turn, total)


def plan_dates(rng: Random, profile: str, first: int, turn: int) -> tuple[date | None, date | None]:
    if profile == "planned":
        start = maybe(rng, 0.4, rand_date(rng, date(2022, 3, 1), date(2022, 9, 30)))
    elif first > 0:
        start = rand_date(rng, date(2021, 7, 1), date(2021, 8 + first, 28))
    elif profile == "starting":
        start = date(2021, 9 + turn, rng.randint(1, 25))
    elif profile in ("done", "finishing"):
        start = rand_date(rng, date(2019, 3, 1), date(2020, 6, 30))
    else:
        start = rand_date(rng, date(2019, 4, 1), date(2021, 8, 20))
    if start is None:
        return None, None
    if profile == "done":
        return start, rand_date(rng, max(start + timedelta(days=150), date(2020, 9, 1)), date(2021, 8, 31))
    if profile == "finishing":
        return start, rand_date(rng, date(2021, 9, 15), date(2021, 12, 31))
    return start, rand_date(rng, max(start + timedelta(days=200), date(2021, 12, 1)), date(2023, 12, 31))


def plan_states(rng: Random, profile: str, first: int, turn: int, total: Decimal) -> list[dict]:
    """Status, progress and completed investment of each release; progress never falls."""
    ratio = Decimal(rng.randint(85, 100)) / 100
    pre = rng.random() < 0.5  # some 前期 projects already report design and land costs
    p0, step = rng.randint(5, 85) if first == 0 else rng.randint(1, 5), rng.randint(2, 8)
    states = []
    for r in range(3):
        if profile == "planned" or (profile == "starting" and r < turn):
            status, progress = "前期", 0
        elif profile == "starting":
            status, progress = "在建", 3 + (r - turn) * step
        elif profile == "building":
            status, progress = "在建", min(97, p0 + (r - first) * step)
        elif profile == "finishing":
            status, progress = ("竣工", 100) if r >= turn else ("在建", 86 + r * 5)
        elif profile == "done":
            status, progress = "竣工", 100
        else:  # stalled: work stops in release turn - 1 and does not resume in these exports
            status, progress = ("停工" if r >= turn - 1 else "在建"), 30 + min(r, turn - 1) * 3
        completed = money(total * progress / 100 * ratio) if progress else (money(total / 50) if pre else None)
        note = rng.choice(NOTES[status]).format(n=rng.randint(40, 600), k=rng.randint(5, 60))
        states.append({"status": status, "progress": progress, "completed_investment": completed,
                       "progress_note": maybe(rng, 0.05, note), "updated": date(2021, 9 + r, rng.randint(1, 28))})  # fmt: skip
    return states


def project_record(p: Project, r: int) -> dict:
    rec = {**p.fields, **p.states[r]}
    if rec["status"] == "前期":  # no builder is contracted before work starts
        rec["contractor"] = rec["supervisor"] = None
    return {key: rec[key] for key in PROJECT_KEYS}


def build_codes(rng: Random, projects: list[Project]) -> list[Code]:
    """One sign per project; 40 projects per block get two (sections or gates), 6 get three."""
    scale = len(projects) // BLOCK
    kept = [p for p in projects if p.last == 2]
    big = sorted(kept, key=lambda p: (-p.fields["total_investment"], p.number))[: 150 * scale]
    several = rng.sample(big, 46 * scale)
    sections = {p.number: 2 if i < 40 * scale else 3 for i, p in enumerate(several)}
    late_gate = next(p for p in several if p.first == 0 and sections[p.number] == 2)  # second sign only in 2021-11
    labels = {
        2: (("一标段东门", "二标段"), ("北门", "南门"), ("项目部", "施工现场西门")),
        3: (("一标段东门", "二标段", "三标段北门"),),
    }
    codes = []
    for p in projects:
        count = sections.get(p.number, 1)
        names = (
            rng.choice(labels[count])
            if count > 1
            else (rng.choice(("项目部", "施工现场主入口", "东门", "北门", "南门", "")),)
        )
        for seq, label in enumerate(names, 1):
            first = 2 if p is late_gate and seq == 2 else p.first
            codes.append(Code(f"BT{p.project_id[3:]}{seq:02d}", p, label, first))
    return codes


def case_text(rng: Random, case: dict, post: str, place: str, mention: Project | None, published: date) -> str:
    person = case["person"]
    y2 = published.year - (1 if published.month <= 6 or rng.random() < 0.5 else 0)
    story = CASE_STORIES[case["category"]].format(
        person=person, post=post, place=place, y1=y2 - rng.randint(1, 3), y2=y2, n=rng.randint(2, 12),
        amt=rng.choice((round(rng.uniform(1, 60), 1), rng.randint(2, 380))),
        biz=rng.choice(("施工许可", "消防验收", "规划许可", "不动产登记", "环评审批", "用电报装")),
        fee=rng.choice(("“管理费”", "“协调费”", "“赞助费”", "“技术服务费”")),
    )  # fmt: skip
    paras = [story + (f"上述问题涉及{mention.project_id}项目。" if mention else "")]
    if rng.random() < 0.3:
        items = rng.sample(OTHER_ISSUES.split(), rng.randint(2, 3))
        paras += [f"经查，{person}还存在以下问题：", "\n".join(f"- {i}；" for i in items)[:-1] + "。"]
    month = rng.randint(max(1, published.month - 4), published.month)
    if rng.random() < 0.6:
        paras.append(
            rng.choice(INQUIRIES).format(person=person, year=published.year - (month == 1), month=month - 1 or 12)
        )
    disposition = next(d[1] for d in DISPOSITIONS if d[0] == case["disposition"])
    paras.append(f"{published.year}年{month}月，{person}{disposition}。")
    closers = rng.sample(CLOSERS, len(CLOSERS))
    if rng.random() < 0.5:
        paras.append(closers.pop().format(person=person))
    while sum(map(len, paras)) < 150:
        paras.append(closers.pop().format(person=person))
    return "\n\n".join(paras) + "\n"


def make_case(rng: Random, case_id: str, person: str, region: str, mention: Project | None, published: date) -> dict:
    category = rng.choice(PROJECT_CATEGORIES) if mention else rng.choice(list(CASE_STORIES))
    unit, roles = rng.choice(UNITS)
    unit, role = unit.format(r=region), rng.choice(roles)
    position = f"{unit}原{role}"
    disposition = rng.choices(DISPOSITIONS, [d[2] for d in DISPOSITIONS])[0][0]
    case = {"case_id": case_id, "title": f"{position}{person}{category}问题", "person": person, "position": position,
            "region": region, "category": category, "disposition": disposition}  # fmt: skip
    place = mention.fields["name"] if mention else rng.choice(GENERIC_PLACES)
    case["text"] = case_text(rng, case, unit + role, place, mention, published)
    return case


def build_bulletins(rng: Random, scale: int, projects: list[Project]) -> tuple[list[dict], ...]:
    """Return the bulletins of each release; two of them re-appear a release later as corrections."""
    issuers = [("NMG", "内蒙古自治区纪委监委", "内蒙古自治区")] * 3 + [("BT", "包头市纪委监委", "包头市")] * 9
    for code, region in zip(DISTRICT_CODES, REGIONS, strict=True):
        issuers.append((code, "包头稀土高新区纪工委" if region == "稀土高新区" else f"{region}纪委监委", region))
    periods = (
        (date(2019, 1, 2), date(2021, 9, 30)),
        (date(2021, 10, 1), date(2021, 10, 30)),
        (date(2021, 11, 1), date(2021, 11, 30)),
    )
    dates = [
        sorted(rand_date(rng, lo, hi) for _ in range(n * scale)) for (lo, hi), n in zip(periods, BULLETINS, strict=True)
    ]
    counts = [1] * sum(BULLETINS) * scale
    extra = (CASES - sum(BULLETINS)) * scale
    while extra:
        i = rng.randrange(len(counts))
        if counts[i] < 6:
            counts[i], extra = counts[i] + 1, extra - 1
    persons = [s + "某" + g for s in SURNAMES for g in GIVEN]
    rng.shuffle(persons)
    if len(persons) < CASES * scale:  # only at large scales: longer names, still one case each
        persons += [n + g for n in persons for g in GIVEN]
    by_region: dict[str, list[Project]] = {}
    for p in projects:
        by_region.setdefault(p.fields["region"], []).append(p)
    dropped = next(p for p in projects if p.last < 2)
    releases, used_ids, mentioned_dropped = ([], [], []), set(), False
    for r, release_dates in enumerate(dates):
        for published in release_dates:
            code, issuer, area = rng.choice(issuers)
            bulletin_id, k = f"{code}-{published:%Y-%m-%d}", 1
            while bulletin_id in used_ids:
                k += 1
                bulletin_id = f"{code}-{published:%Y-%m-%d}-{k}"
            n = counts[len(used_ids)]
            used_ids.add(bulletin_id)
            cases = []
            for j in range(1, n + 1):
                region = (
                    rng.choice(NMG_CITIES) if code == "NMG" else area if area in REGIONS else rng.choice(list(REGIONS))
                )
                pool = [
                    p
                    for p in by_region.get(region, ())
                    if p.first <= r <= p.last and (p.fields["start_date"] or published) < published
                ]
                mention = None
                if code == "BT" and r == 2 and not mentioned_dropped:  # a case that links to a page no longer updated
                    mention, region, mentioned_dropped = dropped, dropped.fields["region"], True
                elif code != "NMG" and pool and rng.random() < 0.09:
                    mention = rng.choice(pool)
                cases.append(make_case(rng, f"{bulletin_id}-{j:02d}", persons.pop(), region, mention, published))
            bulletin = {"bulletin_id": bulletin_id, "title": issuer + rng.choice(BULLETIN_TITLES).format(n=n),
                        "issuer": issuer, "region": area, "published": published}  # fmt: skip
            if rng.random() < 0.7:
                bulletin["source_url"] = (
                    f"https://example.org/{code.lower()}/{published:%Y%m}/{bulletin_id.lower()}.html"
                )
            if rng.random() < 0.6:
                bulletin["summary"] = SUMMARY.format(issuer=issuer, n=n)
            bulletin["cases"] = cases
            releases[r].append(bulletin)
    for r, old in ((1, releases[0][-1]), (2, releases[1][-1])):
        releases[r].append(correct(old))
    return releases


def correct(old: dict) -> dict:
    """The same bulletin with the first case's post set right; case ids and count stay."""
    fixed = {**old, "cases": [dict(c) for c in old["cases"]]}
    first = fixed["cases"][0]
    unit, _, role = first["position"].rpartition("原")  # the unit itself may hold 原, as 九原区 does
    roles = next(roles for template, roles in UNITS if role in roles and unit.endswith(template[3:]))
    right = next(r for r in roles if r != role)
    for key in ("position", "title", "text"):
        first[key] = first[key].replace(f"{unit}原{role}", f"{unit}原{right}").replace(unit + role, unit + right)
    day = old["published"]
    fixed["summary"] = (old.get("summary") or f"{old['issuer']}通报典型案例如下。\n") + (
        f"\n**更正说明**：本通报于{day.year}年{day.month}月{day.day}日发布时，第1起案例当事人职务表述有误，现予更正。\n"
    )
    fixed["cases"] = fixed.pop("cases")  # keep the contract's key order
    return fixed


class _BlockDumper(yaml.SafeDumper):
    """Dump multi-line strings as literal blocks, as a person writing a bulletin would."""


_BlockDumper.add_representer(
    str, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", s, style="|" if "\n" in s else None)
)


def write_yaml(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(data, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False, width=4096)
    path.write_text(text, encoding="utf-8", newline="\n")


def csv_cell(rng: Random, key: str, value, date_styles: str, odd: bool = False) -> str:
    """Spell a value as a spreadsheet export might; odd adds full-width digits and an ideographic space."""
    if value is None:
        return ""
    if isinstance(value, date):
        text = {
            "i": f"{value:%Y-%m-%d}",
            "s": f"{value.year}/{value.month}/{value.day}",
            "c": f"{value.year}年{value.month}月{value.day}日",
            "d": f"{value:%Y.%m.%d}",
        }[rng.choice(date_styles)]
    elif key == "progress":
        text = f"{value}%" if rng.random() < 0.5 else str(value)
    elif isinstance(value, Decimal):
        grouped = key.endswith(("investment", "plan")) and value >= 1000 and rng.random() < 0.3
        text = f"{value:,f}" if grouped else f"{value:f}"
        text = text.rstrip("0").rstrip(".") if "." in text else text
    else:
        text = str(value)
    if odd and key == "progress":
        text = text.translate({ord(c): 0xFEE0 + ord(c) for c in "0123456789%"})
    elif odd and key == "total_investment":
        text = f"\u3000{text} "
    return text


def write_csv(path: Path, encoding: str, header: list[str], rows: list[list[str]], blank_tail: bool = False) -> None:
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
        if blank_tail:  # spreadsheet programs leave rows of bare separators behind
            writer.writerow([""] * len(header))


def write_xlsx(path: Path, title: str, header: list[str], rows: list[list], percent_col: int | None = None) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    for row in rows:
        ws.append(row)
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text as the platform exports it, not a formula openpyxl would write
    if percent_col is not None:
        for (cell,) in ws.iter_rows(min_row=2, min_col=percent_col + 1, max_col=percent_col + 1):
            cell.number_format = "0%"
    wb.properties.creator = "重大项目监督平台"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    ExcelWriter(wb, ZipFile(raw, "w", ZIP_DEFLATED)).save()  # not save_workbook: it stamps the clock
    with ZipFile(raw) as src, ZipFile(path, "w", ZIP_DEFLATED) as dst:
        for info in src.infolist():  # zip entries carry a timestamp too: pin it
            entry = ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename), compress_type=ZIP_DEFLATED)


def xlsx_value(key: str, value, row: int):
    if value is None:
        return None
    if key == "progress":
        return value / 100
    if key == "updated":  # the platform stamps a time of day, which the contract drops
        return datetime.combine(value, time(9 + row % 8, row * 7 % 60))
    return float(value) if isinstance(value, Decimal) else value


def progress_reports(projects: list[Project], r: int) -> list[dict]:
    """A report on the 10th and one on the day of the update, for every project under way."""
    reports = []
    for p in projects:
        if not p.first <= r <= p.last or p.states[r]["status"] not in ("在建", "竣工"):
            continue
        now = p.states[r]
        before = p.states[r - 1] if r > p.first else now
        if now["updated"].day > 10 and before["status"] != "竣工":
            reports.append({"project_id": p.project_id, "date": now["updated"].replace(day=10),
                            "progress": (before["progress"] + now["progress"]) // 2,
                            "completed_investment": before["completed_investment"], "note": "月中调度"})  # fmt: skip
        reports.append({"project_id": p.project_id, "date": now["updated"], "progress": now["progress"],
                        "completed_investment": now["completed_investment"], "note": now["progress_note"]})  # fmt: skip
    return reports


def release_yaml(r: int, projects: list[Project]) -> dict:
    month, published = RELEASES[r]
    listed = sum(p.first <= r <= p.last for p in projects)
    added = sum(p.first == r for p in projects)
    gone = "、".join(p.project_id for p in projects if p.last == r - 1)
    notes = f"{month[:4]}年{int(month[5:])}月数据，共{listed}个重大项目。" + (f"本月新增{added}个项目。" if r else "")
    notes += f"{gone}项目已调出重大项目清单，其页面保留历史数据。" if gone else ""
    notes += "本数据为虚构示例数据，仅用于演示和测试。"
    return {"release": month, "published": published, "issuer": "包头市纪委监委", "notes": notes}


def write_release(
    out: Path,
    r: int,
    projects: list[Project],
    codes: list[Code],
    bulletins: list[dict],
    rng: Random,
    windows: list[SampleWindow] | None = None,
) -> None:
    windows = windows or []
    folder = out / RELEASES[r][0]
    folder.mkdir(parents=True)
    write_yaml(folder / "release.yaml", release_yaml(r, projects))
    records = [project_record(p, r) for p in projects if p.first <= r <= p.last]
    listed_codes = [c for c in codes if c.first <= r <= c.project.last]
    if r == 0:  # UTF-8 with BOM, Chinese headers in the contract's order, no progress file
        rows = [[csv_cell(rng, k, rec[k], "iiiiisscc") for k in PROJECT_KEYS] for rec in records]
        write_csv(folder / "projects.csv", "utf-8-sig", list(PROJECT_KEYS.values()), rows)
        rows = [[c.code_id, c.project.project_id, c.label] for c in listed_codes]
        write_csv(folder / "qrcodes.csv", "utf-8-sig", list(CODE_KEYS.values()), rows)
    elif r == 1:  # GB18030, another column order, half-width brackets, English keys for qrcodes
        keys = ["name", "project_id", "region", "status", "progress", "completed_investment", "total_investment"]
        keys += [k for k in PROJECT_KEYS if k not in keys]
        header = [PROJECT_KEYS[k].replace("（", "(").replace("）", ")") for k in keys]
        rows = [[csv_cell(rng, k, rec[k], "sssscid", odd=i in (7, 8)) for k in keys] for i, rec in enumerate(records)]
        write_csv(folder / "projects.csv", "gb18030", header, rows, blank_tail=True)
        rows = [[c.code_id, c.project.project_id.lower() if i % 97 == 5 else c.project.project_id, c.label, ""]
                for i, c in enumerate(listed_codes)]  # fmt: skip
        rows += [[w.code_id, "", w.label, w.window_id] for w in sample_windows.listed(windows, r)]
        write_csv(folder / "qrcodes.csv", "gb18030", [*CODE_KEYS, "window_id"], rows)
        # Format 1.1's files: CSV with Chinese headers, half-width brackets in the figures' file.
        cells = Random(sample_windows.SEED + r)  # its own: the project files stay as they were
        rows = [[csv_cell(cells, k, w.row[k], "iiis") for k in WINDOW_KEYS] for w in sample_windows.listed(windows, r)]
        write_csv(folder / "windows.csv", "utf-8-sig", list(WINDOW_KEYS.values()), rows)
        header = [h.replace("（", "(").replace("）", ")") for h in STAT_KEYS.values()]
        rows = [[csv_cell(cells, k, row[k], "i") for k in STAT_KEYS] for row in sample_windows.stat_rows(windows, r)]
        write_csv(folder / "window_stats.csv", "gb18030", header, rows)
        rows = [[csv_cell(rng, k, rep[k], "sssi") for k in PROGRESS_KEYS] for rep in progress_reports(projects, r)]
        write_csv(folder / "progress.csv", "gb18030", list(PROGRESS_KEYS.values()), rows)
    else:  # xlsx with date cells and percent-formatted fractions
        rows = [[xlsx_value(k, rec[k], i) for k in PROJECT_KEYS] for i, rec in enumerate(records)]
        write_xlsx(
            folder / "projects.xlsx",
            "重大项目",
            list(PROJECT_KEYS.values()),
            rows,
            list(PROJECT_KEYS).index("progress"),
        )
        rows = [[c.code_id, c.project.project_id, c.label or None, None] for c in listed_codes]
        rows += [[w.code_id, None, w.label, w.window_id] for w in sample_windows.listed(windows, r)]
        write_xlsx(folder / "qrcodes.xlsx", "二维码", [*CODE_KEYS.values(), "窗口编号"], rows)
        # Windows as a spreadsheet; the year of figures as CSV with English keys.
        rows = [
            [xlsx_value(k, w.row[k], i) for k in WINDOW_KEYS] for i, w in enumerate(sample_windows.listed(windows, r))
        ]
        write_xlsx(folder / "windows.xlsx", "服务窗口", list(WINDOW_KEYS.values()), rows)
        cells = Random(sample_windows.SEED + r)
        rows = [[csv_cell(cells, k, row[k], "i") for k in STAT_KEYS] for row in sample_windows.stat_rows(windows, r)]
        write_csv(folder / "window_stats.csv", "utf-8", list(STAT_KEYS), rows)
        rows = [
            [xlsx_value(k, rep[k], i) for k in PROGRESS_KEYS] for i, rep in enumerate(progress_reports(projects, r))
        ]
        write_xlsx(
            folder / "progress.xlsx", "进度", list(PROGRESS_KEYS.values()), rows, list(PROGRESS_KEYS).index("progress")
        )
    for b in bulletins:
        write_yaml(folder / "bulletins" / f"{b['bulletin_id']}.yaml", b)


def make_data_root(out_dir: Path, scale: int = 1) -> None:
    """Write the releases 2021-09, 2021-10 and 2021-11 into out_dir, replacing those folders."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    rng = Random(SEED)
    projects = build_projects(rng, scale)
    codes = build_codes(rng, projects)
    bulletins = build_bulletins(rng, scale, projects)
    windows = sample_windows.build_windows(scale)
    out_dir = Path(out_dir)
    for r, (month, _) in enumerate(RELEASES):
        shutil.rmtree(out_dir / month, ignore_errors=True)
        write_release(out_dir, r, projects, codes, bulletins[r], rng, windows)
    # Whether a site is sample data is a setting of its site folder (mkdocs.yml extra.sample_data).


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Write the sample data root (three monthly releases) for the portal.",
        epilog="example: python tools/make_sample.py --out /tmp/big --scale 10",
    )
    parser.add_argument(
        "--out", type=Path, default=REPO / "data" / "sample", help="data root to write (default: data/sample)"
    )
    parser.add_argument("--scale", type=int, default=1, help="multiply every count by N (default: 1)")
    args = parser.parse_args()
    if args.scale < 1:
        parser.error("--scale must be at least 1")
    make_data_root(args.out, args.scale)


if __name__ == "__main__":
    main()
