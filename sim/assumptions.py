"""The assumptions that shape a run's answer: one registry, read against the run's own settings
and scenario.

Covers: every configured or scenario value the answer depends on and that no plan fixes -- how
fast and how exactly villages report, shelters, trucks, roads, hazard rates, the targets'
readings, ambulances, rescue teams and helicopters -- each with the value this run used, its
source or one-line reason, and a plausible range, in Chinese and English. `drsim run
--assumptions` prints the table, the appendix lists it, and the STRESS-DES method note quotes
the run's values through `note_fields`. Leaves out: the scenario's geometry, places and stock
(data, described in each scenario's README), and what budget cases change.

An entry's `key` names where the value lives: a settings path (`reporting.first_delay_min`,
`*` matching every key at that level, e.g. every hazard event or severity) or
`scenario:NAME`, a summary of the scenario's files (SCENARIO_VALUES). Adding a setting that
shapes the answer means adding one entry here; a test checks every entry resolves.

Size: the registry is one table of 74 entries in two languages (REGISTRY); the code that
reads it is the last 130 lines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sim.scenario import Scenario
from sim.settings import Settings


@dataclass(frozen=True)
class Assumption:
    key: str
    what_zh: str
    what_en: str
    source_zh: str
    source_en: str
    range: str  # plausible range, with units
    # the range in Chinese where it is words, not numbers and units (a word-for-word reading of
    # "80-98 % alive at 72 h" was "80-98 % 存活 于 72 h"); else `range` is read through i18n.WORDS
    range_zh: str = ""
    items: bool = False  # its value names the scenario's relief items (read as items, i18n.ITEM_WORDS)


A = Assumption
REGISTRY: tuple[Assumption, ...] = (
    A(
        "reporting.first_delay_min",
        "首报中位延迟（分钟）",
        "first report, median delay (min)",
        "假设；每村有灾害信息员（晋江市规划）",
        "assumed; every village has a disaster information officer (seed 004)",
        "15-180 min",
    ),
    A(
        "reporting.first_delay_sigma",
        "首报延迟的对数正态离散",
        "first report delay, lognormal sigma",
        "假设",
        "assumed",
        "0.3-1.0",
    ),
    A(
        "reporting.first_share",
        "首报计入的转移人口比例",
        "share of the displaced counted in the first report",
        "假设：续报修正",
        "assumed; follow-ups revise it",
        "0.3-1.0",
    ),
    A(
        "reporting.followups",
        "续报次数（最后一次准确）",
        "follow-up reports (the last exact)",
        "假设；首报、续报、核报（晋江市规划）",
        "assumed; first, follow-up, final reports (seed 000)",
        "1-4",
    ),
    A(
        "reporting.followup_every_min",
        "续报间隔（分钟）",
        "follow-up interval (min)",
        "假设",
        "assumed",
        "60-240 min",
    ),
    A(
        "reporting.trapped",
        "被困人员何时为指挥中心所知",
        "when the command centre learns of trapped people",
        "随村首报（晋江市规划：每村有灾害信息员）；即时获知为下限（被困者即时报警）",
        "with the village's first report (seed 004: an officer in every village); at_once: lower bound",
        "first_report, at_once",
    ),
    A(
        "reporting.roads",
        "道路损毁何时为指挥中心和车辆所知",
        "when road damage becomes known to the command centre and its vehicles",
        "上报或车辆到达时（晋江市规划：信息员初报含基础设施损毁）；即时获知为下限（即时全知）",
        "when reported or reached by a vehicle (seed 004: the officers' first report covers "
        "infrastructure); at_once: lower bound",
        "reached_or_reported, at_once",
    ),
    A(
        "reporting.road_delay_min",
        "道路损毁上报中位延迟（分钟）",
        "road damage report, median delay (min)",
        "假设：同首报（晋江市规划：每村有灾害信息员）",
        "assumed: as the first report (seed 004: an officer in every village)",
        "30-360 min",
    ),
    A(
        "reporting.road_delay_sigma",
        "道路损毁上报延迟的对数正态离散",
        "road damage report delay, lognormal sigma",
        "假设，同首报",
        "assumed, as the first report's",
        "0.3-1.0",
    ),
    A(
        "reporting.cut_off_extra_min",
        "断路或断电的村另加延迟（分钟）",
        "extra delay, village cut off by road or power (min)",
        "假设：步行或卫星电话报告",
        "assumed: a runner or satellite phone",
        "60-360 min",
    ),
    A(
        "shelters.m2_per_person",
        "避难场所人均面积（m²）",
        "shelter area per person (m2)",
        "临清市规划指标：≥2.5 m²/人",
        "seed 003 indicator: >= 2.5 m2 per person",
        "1.5-4 m2",
    ),
    A(
        "shelters.max_travel_min",
        "避难场所最远车程（分钟）",
        "farthest shelter by road (min)",
        "假设",
        "assumed",
        "30-120 min",
    ),
    A(
        "scenario:truck_capacity",
        "卡车载量（单位/车，按层级）",
        "truck capacity (units per load, by tier)",
        "情景说明：程式化车型",
        "scenario README: stylised vehicle classes",
        "100-1,000 units",
    ),
    A(
        "scenario:load_min",
        "装车时间（分钟，按层级）",
        "loading time (min, by tier)",
        "情景说明：叉车或人工",
        "scenario README: forklift or by hand",
        "15-90 min",
    ),
    A(
        "scenario:trucks",
        "卡车数量（按层级）",
        "trucks (by tier)",
        "情景说明：规划未给出车辆数",
        "scenario README: no seed gives a fleet count",
        "scenario data",
        "情景数据",
    ),
    A(
        "scenario:lead_time_h",
        "协议与省级储备启用时间（小时）",
        "contract and province lead time (h)",
        "情景说明",
        "scenario README",
        "2-48 h",
    ),
    A(
        "scenario:unload_min",
        "卸货时间（分钟）",
        "unloading at the site (min)",
        "情景说明：人工卸货",
        "scenario README: by hand, with helpers",
        "10-45 min",
    ),
    A(
        "scenario:road_speed_kmh",
        "道路速度（公里/小时，按等级）",
        "road speeds (km/h, by class)",
        "JTG B01-2014设计速度（上限）",
        "design speeds of JTG B01-2014 (an upper bound)",
        "50-100 % of design speed",
        "设计速度的50-100%",
    ),
    A(
        "scenario:need_per_person",
        "人均需求（单位，按物资；次或每日）",
        "need per person (units per item; once or daily)",
        "情景说明",
        "scenario README",
        "scenario data",
        "情景数据",
        items=True,
    ),
    A(
        "policy.relief",
        "救灾物资调度规则",
        "relief dispatch rule",
        "樟树市、临清市规划的分级储备；见各调度策略的说明",
        "tiered stockpile of seeds 001, 003; see configs/policy/",
        "tiered_nearest, tiered_strict, nearest_stock",
    ),
    A(
        "policy.load_order",
        "装车顺序",
        "truck load order",
        "假设：初步救助时限更紧",
        "assumed: the initial-relief clock is tighter",
        "initial_first, fifo",
    ),
    A(
        "trucks.routing",
        "卡车配送方式",
        "truck trips",
        "一趟送多个村（插入法加局部搜索，与同一决策下PyVRP的最优解一致）；一趟只送一个村、只用插入法供对比",
        "multi_drop: several sites a trip (insertion, then local search; equal to PyVRP's optimum for "
        "the same decision, docs/model/policies.md); single_drop and insertion_drop for comparison",
        "multi_drop, single_drop, insertion_drop",
    ),
    A(
        "trucks.max_stops",
        "每趟最多卸货点",
        "drops per trip at most",
        "假设：每点卸货15分钟，一趟在半个工作日内",
        "assumed: 15 min unloading a drop keeps a trip within half a working day",
        "2-10",
    ),
    A(
        "trucks.max_delay_min",
        "拼车使任一卸货点晚到的上限（分钟）",
        "a drop's delay for sharing the trip, at most (min)",
        "假设：相对10-24小时时限很小",
        "assumed: small beside the 10-24 h targets",
        "0-180 min",
    ),
    A(
        "trucks.drivers",
        "每车驾驶员人数",
        "drivers per truck",
        "假设：应急期间双人轮换",
        "assumed: double-crewed in a response",
        "1-3",
    ),
    A(
        "trucks.continuous_drive_h",
        "连续驾驶上限（小时）",
        "continuous driving at most (h)",
        "道路交通安全法实施条例第六十二条",
        "Road Traffic Safety Law implementing regulations, art. 62",
        "4 h (rule)",
    ),
    A(
        "trucks.rest_min",
        "停车休息至少（分钟）",
        "a driver's break at least (min)",
        "道路交通安全法实施条例第六十二条",
        "Road Traffic Safety Law implementing regulations, art. 62",
        "20 min (rule)",
    ),
    A(
        "trucks.daily_drive_h",
        "24小时内累计驾驶上限（小时）",
        "driving in any 24 h at most (h)",
        "道路旅客运输企业安全管理规范第三十八条（客运，类推适用）",
        "coach operators' safety rules, art. 38 (applied by analogy)",
        "8-10 h",
    ),
    A(
        "trucks.restock_below",
        "乡镇储备点补库触发比例",
        "township point restocked below this share of its stock",
        "假设：约一个村的需求，补库在途时仍可供下一报",
        "assumed: about one village's need, serving the next report while a top-up is on the road",
        "0.2-0.8 (0 = never)",
    ),
    A(
        "hazard.events.*.severity_probs",
        "各村灾情等级概率",
        "severity probabilities per village",
        "假设（灾种配置）",
        "assumed (hazard file)",
        "see the hazard file",
        "见灾种设置",
    ),
    A(
        "hazard.events.*.magnitude",
        "地震震级",
        "earthquake magnitude",
        "假设（灾种配置）",
        "assumed (hazard file)",
        "5-8",
    ),
    A(
        "hazard.events.*.rates.*.affected",
        "受灾人口比例（按等级）",
        "share of residents affected (by severity)",
        "假设（灾种配置）",
        "assumed (hazard file)",
        "0-1",
    ),
    A(
        "hazard.events.*.rates.*.displaced",
        "转移人口比例（按等级）",
        "share of residents displaced (by severity)",
        "假设（灾种配置）",
        "assumed (hazard file)",
        "0-0.5",
    ),
    A(
        "hazard.events.*.rates.*.in_need",
        "在家需紧急生活救助的比例",
        "share of affected needing relief at home",
        "2015年全国灾情统计约1%",
        "China 2015 national disaster statistics: about 1 %",
        "0-0.03",
    ),
    A(
        "hazard.events.*.rates.*.trapped",
        "被困人员（每受灾人，按类型）",
        "trapped per affected person (by type)",
        "假设（灾种配置）",
        "assumed (hazard file)",
        "see the hazard file",
        "见灾种设置",
    ),
    A(
        "hazard.events.*.size.event_share",
        "灾害规模：每次事件统一抽取的方差比例",
        "disaster size: share of severity variance drawn once per event",
        "假设（灾种配置说明理由）",
        "assumed (reason in the hazard file)",
        "0-0.5",
    ),
    A(
        "hazard.events.*.size.correlation_km",
        "相邻村灾情相关距离（公里）",
        "distance over which neighbours' severities are alike (km)",
        "假设（灾种配置说明理由）",
        "assumed (reason in the hazard file)",
        "1-20",
    ),
    A(
        "hazard.events.*.ground_motion.inter_event_sigma",
        "地震烈度事件间离散（烈度单位）",
        "earthquake event-to-event intensity scatter (intensity units)",
        "华东烈度衰减关系量级（汪素云等2000，未逐一核对）",
        "order of the eastern-China attenuation relations (汪素云 et al. 2000, not re-checked)",
        "0.3-0.7",
    ),
    A(
        "hazard.events.*.ground_motion.intra_event_sigma",
        "地震烈度场地间离散（烈度单位）",
        "earthquake site-to-site intensity scatter (intensity units)",
        "Boore & Atkinson 2008，经Wald等1999换算",
        "Boore & Atkinson 2008 via Wald et al. 1999",
        "0.4-0.8",
    ),
    A(
        "hazard.events.*.road_damage.under_water",
        "被水淹的断路比例",
        "share of cut roads under water",
        "假设（灾种配置）",
        "assumed (hazard file)",
        "0-1",
    ),
    A(
        "hazard.events.*.road_damage.recession_h",
        "淹没道路退水时间（小时）",
        "hours until flood water leaves a road",
        "假设（灾种配置）",
        "assumed (hazard file)",
        "24-168",
    ),
    A(
        "hazard.events.*.road_damage.scale",
        "道路损毁概率倍数",
        "road damage probability multiplier",
        "假设",
        "assumed",
        "0-2",
    ),
    A(
        "targets.*.required_share",
        "目标要求的比例",
        "share a target requires",
        "各目标设置中注明的出处；规划“基本实现”读作95%",
        "each target's source (configs/targets/); the plans' 'basically achieve' read as 95 %",
        "0.8-1.0",
    ),
    A(
        "targets.*.clock",
        "目标计时起点",
        "target clock",
        "各人受灾时起（默认）",
        "from each person's being struck (default)",
        "affected, event_onset",
    ),
    A(
        "targets.*.population",
        "目标计入的人群",
        "population a target counts",
        "全国灾情统计的两类救助人口",
        "the two relief populations of the national statistics",
        "in_need, displaced",
    ),
    A(
        "targets.*.limit_min",
        "急救与直升机时限（分钟）",
        "EMS and helicopter limits (min)",
        "急救：北京2018院前急救；直升机：晋江市规划（100公里内2小时）",
        "EMS: Beijing 2018 pre-hospital care; helicopter: seed 004 (2 h within 100 km)",
        "EMS 10-30 min; helicopter 60-180 min",
    ),
    A(
        "ems.dispatch_delay_min",
        "急救调度延迟（分钟）",
        "EMS dispatch delay (min)",
        "假设",
        "assumed",
        "1-5 min",
    ),
    A(
        "ems.scene_min",
        "现场处置时间（分钟）",
        "time on scene (min)",
        "假设：常见10-20分钟",
        "assumed: the usual 10-20 min",
        "10-20 min",
    ),
    A(
        "ems.onset_stay_mean_h",
        "灾前在院病人平均剩余住院时间（小时）",
        "patients in bed at onset: mean remaining stay (h)",
        "《2022年我国卫生健康事业发展统计公报》：医院出院者平均住院日9.2日",
        "2022 national health statistical bulletin: mean hospital stay 9.2 days",
        "160-240 h",
    ),
    A(
        "ems.early_discharge_share",
        "灾时提前出院比例（逆向分诊）",
        "share discharged early (reverse triage)",
        "Kelen等2009：44%住院病人可提前出院；假设县里实现不到一半",
        "Kelen et al. 2009: 44% of inpatients could leave early; assumed under half in a county",
        "0-0.44",
    ),
    A(
        "ems.early_discharge_h",
        "提前出院分布时长（小时）",
        "early discharges spread over (h)",
        "Kelen等2009：多数在24-48小时内实现",
        "Kelen et al. 2009: most within 24-48 h",
        "12-48 h",
    ),
    A(
        "ems.surge_bed_share",
        "应急扩增床位比例（平战结合）",
        "surge beds as a share of beds (平战结合)",
        "Bayram等2011：床位扩容约为在编床位的18%；临清市规划“平战结合”",
        "Bayram et al. 2011: bed surge about 18% of staffed beds; seed 003 平战结合",
        "general 0.1-0.3",
    ),
    A(
        "ems.surge_open_h",
        "扩增床位开放时间（小时）",
        "surge beds open after (h)",
        "假设：召回人员、布置加床",
        "assumed: recall staff, set up extra beds",
        "2-24 h",
    ),
    A(
        "ems.bed_wait_max_min",
        "救护车等待病床上限（分钟），之后交急诊科",
        "longest wait for a ward bed before handing over to ED staff (min)",
        "英国国民医疗服务体系（NHS）的救护车交接规定：到院45分钟内放行（30+15交接）",
        "NHS England release to rescue: cleared within 45 min (30 + 15 handover)",
        "15-60 min",
    ),
    A(
        "ems.crews_per_ambulance",
        "每车班组数",
        "crews per ambulance",
        "假设：120急救站常见12小时两班制",
        "assumed: the common 12-hour two-shift roster of 120 stations",
        "1-3",
    ),
    A("ems.crew_shift_h", "班组连续值班（小时）", "crew shift (h)", "假设", "assumed", "8-24 h"),
    A(
        "ems.crew_rest_h",
        "班组休息（小时）",
        "crew rest (h)",
        "假设：一夜睡眠；《劳动法》第42条灾时不受工时限制",
        "assumed: a night's sleep; Labour Law art. 42 lifts hour limits in a disaster",
        "6-12 h",
    ),
    A(
        "rescue.crew_members",
        "每个作业组人数",
        "members of one working crew",
        "假设：冲锋舟3人、倒塌救援组围绕一台机械约6人",
        "assumed: 3 per assault boat, about 6 around one machine",
        "water 2-5, collapse 4-10, mountain 4-10",
    ),
    A(
        "rescue.round_people",
        "每组每轮救出人数",
        "people one crew brings out a round",
        "假设：一船约8人；倒塌、山地每次1人",
        "assumed: a boatload of about 8; one at a time from a collapse or a slope",
        "water 5-12, collapse 1, mountain 1",
    ),
    A(
        "rescue.round_min",
        "每轮用时（分钟）",
        "minutes of one round",
        "假设",
        "assumed",
        "water 20-90, collapse 30-480, mountain 45-240",
    ),
    A(
        "rescue.equipment_delay_h",
        "装备到位延迟（小时）",
        "hours until equipment joins its team",
        "假设：船随队；大型机械须征调、平板车运输",
        "assumed: boats travel with the team; machines are requisitioned and moved by low-loader",
        "boats 0-1, machines 1-6 h",
    ),
    A(
        "rescue.survival.collapse",
        "倒塌被困存活率曲线（小时，存活概率）",
        "collapse survival curve (hours, P alive)",
        "常被引用的唐山地震救出存活率（半小时内99.3%、第1天81%、第2天53.7%、第3天36.7%、第4天19%、"
        "第5天7.4%）；未核对原始出处",
        "share alive by day of rescue widely quoted for Tangshan 1976 (99.3 % in 30 min, 81 % day 1, "
        "53.7 % day 2, 36.7 % day 3, 19 % day 4, 7.4 % day 5; usually cited to Coburn & Spence 2002); "
        "not checked against a primary source",
        "Kobe 1995: 74 % day 1, 26 % day 2",
        "1995年阪神地震：第1天救出者74%存活，第2天26%",
    ),
    A(
        "rescue.survival.water",
        "洪水被困存活率曲线",
        "flood survival curve (hours, P alive)",
        "假设：屋顶、楼上待救者多数生还（Jonkman & Kelman 2005）",
        "assumed: most who wait on roofs and upper floors live (Jonkman & Kelman 2005)",
        "80-98 % alive at 72 h",
        "72小时时80-98%存活",
    ),
    A(
        "rescue.survival.mountain",
        "山地被困存活率曲线",
        "mountain survival curve (hours, P alive)",
        "假设：介于洪水与倒塌之间",
        "assumed: between flood and collapse",
        "30-80 % alive at 72 h",
        "72小时时30-80%存活",
    ),
    A(
        "ems.survival.immediate",
        "红色伤员送达医院前存活率曲线（伤后小时，存活概率）",
        "red casualties' survival until they reach a hospital (hours since injury, P alive)",
        "假设：按 Sacco 等 2005（Acad Emerg Med 12:759）RPM 评分存活概率与每30分钟恶化表取形，RPM 9；"
        "数值取自该文表格的公开转录，未核对原文",
        "assumed: shaped after Sacco et al. 2005 (Acad Emerg Med 12:759) survival by RPM score and its "
        "fall every 30 min, RPM 9; figures from a public transcription of its tables, not checked",
        "RPM 7-10: half alive after 1-4 h",
        "RPM 7-10分：1-4小时后半数存活",
    ),
    A("rescue.max_shift_h", "连续作业上限（小时）", "longest shift (h)", "假设", "assumed", "8-16 h"),
    A("rescue.rest_h", "休息时间（小时）", "rest (h)", "假设", "assumed", "6-10 h"),
    A(
        "air.aircraft",
        "直升机数量",
        "helicopters",
        "假设：省航空救援待命",
        "assumed: provincial aviation rescue on call",
        "0-3",
    ),
    A(
        "air.cruise_kmh",
        "直升机巡航速度（公里/小时）",
        "helicopter cruise speed (km/h)",
        "AS350、AW139级",
        "AS350, AW139 class",
        "200-280 km/h",
    ),
    A("air.launch_prep_min", "起飞准备（分钟）", "launch preparation (min)", "假设", "assumed", "15-60 min"),
    A(
        "air.payload_units",
        "每架次物资（单位）",
        "relief units per sortie",
        "约1.5吨内载",
        "about 1.5 t internal load",
        "80-300 units",
    ),
    A(
        "air.night_no_fly",
        "夜间禁飞",
        "no flights at night",
        "目视飞行规则",
        "visual flight rules",
        "true, false",
    ),
    A(
        "run.horizon_h",
        "仿真时长（小时）",
        "horizon (h)",
        "规划的目标都在前三天内",
        "the plans' targets fall in the first three days",
        "24-168 h",
    ),
    A("run.reps", "重复次数", "replications", "区间宽度约1/√n", "interval width about 1/sqrt(n)", "30-1,000"),
)


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_fmt(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(_fmt(v) for v in value)
    return "–" if value is None else str(value)


def _by_tier(scen: Scenario, value: Callable[[Any], Any]) -> dict[str, str]:
    """A depot column summarised per tier: one value, or min-max where the tier's depots differ."""
    out: dict[str, str] = {}
    for tier in ("city", "township", "contract", "province"):
        vals = sorted({value(d) for d in scen.depots if d.tier == tier})
        if vals:
            out[tier] = _fmt(vals[0]) if len(vals) == 1 else f"{_fmt(vals[0])}-{_fmt(vals[-1])}"
    return out


SCENARIO_VALUES: dict[str, Callable[[Scenario], Any]] = {
    "truck_capacity": lambda s: _by_tier(s, lambda d: d.truck_capacity),
    "load_min": lambda s: _by_tier(s, lambda d: d.load_min),
    "trucks": lambda s: {t: sum(d.trucks for d in s.depots if d.tier == t) for t in _by_tier(s, lambda d: 0)},
    "lead_time_h": lambda s: _by_tier(s, lambda d: d.lead_time_min / 60),
    "unload_min": lambda s: s.unload_min,
    "road_speed_kmh": lambda s: s.road_speed_kmh,
    "need_per_person": lambda s: {f"{i.id} ({i.basis})": i.need_per_person for i in s.items},
}


def resolve(data: Any, path: list[str], prefix: str = "") -> list[tuple[str, Any]]:
    """(full key, value) for a settings path; `*` matches every key at its level. A key absent
    at some level (an event without that rate) gives nothing for that branch."""
    if not path:
        return [(prefix, data)]
    head, rest = path[0], path[1:]
    if not isinstance(data, dict):
        return []
    keys = sorted(data) if head == "*" else [head] if head in data else []
    out: list[tuple[str, Any]] = []
    for k in keys:
        out += resolve(data[k], rest, f"{prefix}.{k}" if prefix else str(k))
    return out


@dataclass(frozen=True)
class Row:
    key: str  # the full key (wildcards filled in)
    value: str
    entry: Assumption

    def cells(self, lang: str) -> list[str]:
        zh = lang == "zh"
        e = self.entry
        return [
            e.what_zh if zh else e.what_en,
            self.key,
            self.value,
            e.source_zh if zh else e.source_en,
            e.range_zh if zh and e.range_zh else e.range,
        ]


def table(settings: Settings, scen: Scenario | None) -> list[Row]:
    """Every registry entry with this run's value (one row per match of a wildcard key);
    scenario entries are left out when no scenario is given."""
    data = settings.model_dump()
    rows: list[Row] = []
    for e in REGISTRY:
        if e.key.startswith("scenario:"):
            if scen is not None:
                rows.append(Row(e.key, _fmt(SCENARIO_VALUES[e.key.removeprefix("scenario:")](scen)), e))
            continue
        rows += [Row(k, _fmt(v), e) for k, v in resolve(data, e.key.split(".")) if v is not None]
    return rows


HEADER = {
    "zh": ["假设", "配置项", "本次取值", "来源或理由", "合理范围"],
    "en": ["assumption", "key", "value in this run", "source or reason", "plausible range"],
}


def print_table(settings: Settings, scen: Scenario | None, lang: str = "en") -> str:
    """The table as aligned text, for the terminal."""
    rows = [HEADER[lang]] + [r.cells(lang) for r in table(settings, scen)]
    widths = [max(len(r[c]) for r in rows) for c in range(len(HEADER[lang]) - 1)]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(r[:-1], widths, strict=True)) + "  " + r[-1] for r in rows
    )


def _aircraft_en(n: int) -> str:
    return {0: "no helicopter", 1: "one helicopter"}.get(n, f"{n} helicopters")


def note_fields(settings: Settings, scen: Scenario | None = None) -> dict[str, str]:
    """The run's values the STRESS-DES method note quotes (`{name}` in docs/STRESS-DES.md);
    the reserves' lead times come from the scenario ("–" without one)."""
    r, air, resc = settings.reporting, settings.air, settings.rescue
    rounds = {t: resc.round_people[t] * 60 / resc.round_min[t] for t in resc.round_min}  # per crew-hour
    night = f"{air.night_start_clock_h:02.0f}:00-{air.night_end_clock_h:02.0f}:00" if air.night_no_fly else ""
    lead = SCENARIO_VALUES["lead_time_h"](scen) if scen is not None else {}
    shares = sorted({t.required_share for t in settings.targets.values() if t.measure == "relief_complete"})
    return {
        "horizon_h": _fmt(settings.run.horizon_h),
        "reps": _fmt(settings.run.reps),
        "first_delay_min": _fmt(r.first_delay_min),
        "first_delay_sigma": _fmt(r.first_delay_sigma),
        "road_delay_min": _fmt(r.road_delay_min) if r.roads != "at_once" else "0",
        "cut_off_extra_h": _fmt(r.cut_off_extra_min / 60),
        "relief_share_pct": " / ".join(f"{s:.0%}".replace("%", " %") for s in shares) or "–",
        "relief_share_pct_zh": "、".join(f"{s:.0%}" for s in shares) or "–",
        "water_rate": _fmt(round(rounds["water"], 2)),
        "collapse_rate": _fmt(round(rounds["collapse"], 2)),
        "mountain_rate": _fmt(round(rounds["mountain"], 2)),
        "max_shift_h": _fmt(resc.max_shift_h),
        "leave_members": _fmt(resc.volunteer_leave_members),
        "min_members": _fmt(resc.volunteer_min_members),
        "contract_lead_h": lead.get("contract", "–"),
        "province_lead_h": lead.get("province", "–"),
        "rest_h": _fmt(resc.rest_h),
        "aircraft": _fmt(air.aircraft),
        "aircraft_en": _aircraft_en(air.aircraft),
        "cruise_kmh": _fmt(air.cruise_kmh),
        "launch_prep_min": _fmt(air.launch_prep_min),
        "night_en": f"no flights {night}" if night else "flying day and night",
        "night_zh": f"{night}不飞行" if night else "昼夜飞行",
    }
