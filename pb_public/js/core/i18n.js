// Chinese first, English on request. The choice is kept per browser; every
// screen reads t() while rendering, so switching re-renders in place.
const KEY = 'wuye.lang';
// (localStorage and document are absent when the pure helpers are unit-tested under node.)
const store = globalThis.localStorage;
const root = globalThis.document?.documentElement;
let current = store?.getItem(KEY) === 'en' ? 'en' : 'zh';
const listeners = new Set();
const messages = { zh: {}, en: {} };

export const lang = () => current;

export function setLang(l) {
  current = l === 'en' ? 'en' : 'zh';
  store?.setItem(KEY, current);
  if (root) root.lang = current === 'en' ? 'en' : 'zh-CN';
  listeners.forEach((fn) => fn(current));
}

export function onLang(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** addMessages merges a page's own dictionary: {key: [zh, en]}. */
export function addMessages(dict) {
  for (const [k, [zh, en]] of Object.entries(dict)) {
    messages.zh[k] = zh;
    messages.en[k] = en ?? zh;
  }
}

/** t looks up key and fills {name} placeholders from vars. */
export function t(key, vars) {
  let s = messages[current][key] ?? messages.zh[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (_, k) => (vars[k] ?? ''));
  return s;
}

/** label names a choice value: label('complaint_category', 'security'). */
export const label = (vocab, code) => (code ? t(`${vocab}.${code}`) : '');

/** choices lists a vocabulary's codes with their labels, for <select>. */
export function choices(vocab) {
  const prefix = vocab + '.';
  return Object.keys(messages.zh).filter((k) => k.startsWith(prefix)).map((k) => ({ code: k.slice(prefix.length), text: t(k) }));
}

if (root) root.lang = current === 'en' ? 'en' : 'zh-CN';

// The vocabularies of the records' choice fields (migrations/*.go; docs/DESIGN.md
// names them with each part of the house), shared by every page.
const vocab = {
  complaint_category: { security: ['安保', 'Security'], cleaning: ['清洁', 'Cleaning'], greening: ['绿化', 'Landscaping'], engineering: ['工程维修', 'Repairs'], mail: ['信件报刊', 'Mail'], renovation: ['装修管理', 'Renovation'], staff_attitude: ['员工服务态度', 'Staff attitude'], other: ['其它', 'Other'] },
  complaint_level: { general: ['一般', 'General'], major: ['重要', 'Major'], hot: ['热点', 'Hot'], collective: ['集体', 'Collective'] },
  complaint_channel: { phone: ['来电', 'Phone'], visit: ['来访', 'Visit'], letter: ['来函', 'Letter'], portal: ['网上', 'Portal'], onsite: ['现场', 'On site'] },
  satisfaction: { satisfied: ['满意', 'Satisfied'], basic: ['基本满意', 'Basically satisfied'], unsatisfied: ['不满意', 'Unsatisfied'] },
  department: { service_center: ['客服中心', 'Service center'], engineering: ['工程部', 'Engineering'], security: ['秩序维护部', 'Security'], cleaning: ['保洁', 'Cleaning'], greening: ['绿化', 'Landscaping'], administration: ['行政人事部', 'Administration'], other: ['其它', 'Other'] },
  work_kind: { routine: ['常规维修', 'Routine'], paid: ['有偿服务', 'Paid service'], business: ['经营服务', 'Business'] },
  work_category: { electrical: ['电工', 'Electrical'], plumbing: ['水暖', 'Plumbing'], carpentry: ['木工', 'Carpentry'], appliance: ['家电', 'Appliances'], cleaning: ['保洁', 'Cleaning'], locksmith: ['开锁', 'Locksmith'], office: ['文印', 'Office services'], agency: ['中介', 'Agency'], venue: ['场地', 'Venue'], common_area: ['公共区域', 'Common area'], other: ['其它', 'Other'] },
  work_payment: { none: ['无需付款', 'No charge'], paid_on_site: ['现场已付', 'Paid on site'], unpaid: ['记入下期账单', 'On next statement'], billed: ['已入账单', 'Billed'], paid: ['已付', 'Paid'] },
  signoff: { confirmed: ['确认完工', 'Confirmed'], rework: ['要求返工', 'Rework'] },
  revisit_method: { phone: ['电话回访', 'Phone'], home_visit: ['上门回访', 'Home visit'] },
  arrival: { on_time: ['准时', 'On time'], early: ['早到', 'Early'], late: ['迟到', 'Late'] },
  urgency: { normal: ['零修', 'Minor repair'], urgent: ['急修', 'Urgent repair'] },
  sla_subject: { complaint: ['投诉', 'Complaint'], work_order: ['报修派工', 'Work order'] },
  sla_target: { first_response: ['首次回应', 'First response'], reply: ['答复 / 回复', 'Reply'], solution: ['解决方案', 'Solution'], arrival: ['到场', 'Arrival'] },
  sla_unit: { clock_hours: ['小时', 'hours'], working_days: ['个工作日', 'working days'], minutes: ['分钟', 'minutes'] },
  office_days: { every_day: ['每天', 'Every day'], working_days: ['工作日', 'Working days'] },
  fee_kind: { management: ['物业管理费', 'Management fee'], parking: ['停车费', 'Parking'], water: ['水费', 'Water'], electricity: ['电费', 'Electricity'], gas: ['燃气费', 'Gas'], service: ['有偿服务', 'Paid service'], business: ['经营收入', 'Business'], other: ['其它', 'Other'] },
  fee_start: { handover: ['从收房日起算', 'from the handover date'], notice: ['从入伙通知书上注明的日期起算', 'from the date on the move-in notice'] },
  bill_status: { issued: ['待缴', 'Due'], partially_paid: ['部分已缴', 'Part paid'], paid: ['已缴清', 'Paid'], void: ['已作废', 'Void'] },
  method: { cash: ['现金', 'Cash'], card: ['刷卡', 'Card'], wechat: ['微信支付', 'WeChat Pay'], alipay: ['支付宝', 'Alipay'], transfer: ['转账', 'Transfer'] },
  deposit_kind: { renovation: ['装修押金', 'Renovation deposit'], pass: ['出入证押金', 'Pass deposit'], key: ['钥匙押金', 'Key deposit'], other: ['其它押金', 'Other deposit'] },
  relation: { owner: ['业主', 'Owner'], tenant: ['租户', 'Tenant'], family: ['家属', 'Family'] },
  unit_type: { residential: ['住宅', 'Residential'], shop: ['商铺', 'Shop'], office: ['写字间', 'Office'], parking: ['车位', 'Parking'], storage: ['储藏室', 'Storage'] },
  unit_status: { vacant: ['空置', 'Vacant'], handed_over: ['已收房', 'Handed over'], renovating: ['装修中', 'Renovating'], occupied: ['已入住', 'Occupied'] },
  role: { front_desk: ['前台接待', 'Front desk'], area_manager: ['片区管理员', 'Area manager'], technician: ['维修工', 'Technician'], engineer: ['工程部', 'Engineer'], security: ['秩序维护部', 'Security'], cashier: ['收费员', 'Cashier'], supervisor: ['客服主管', 'Supervisor'], director: ['管理处主任', 'Director'], admin_office: ['行政人事部', 'Administration office'] },
  scope: { walls: ['墙体', 'Walls'], electrical: ['电路', 'Electrical'], plumbing: ['水路', 'Plumbing'], waterproofing: ['防水', 'Waterproofing'], facade: ['外立面', 'Facade'], flooring: ['地面', 'Flooring'], ceiling: ['吊顶', 'Ceiling'], doors_windows: ['门窗', 'Doors and windows'], other: ['其它', 'Other'] },
  violation_kind: { load_bearing: ['改动承重结构', 'Load-bearing structure'], facade: ['改动外立面', 'Facade'], waterproofing: ['破坏防水层', 'Waterproofing'], scope: ['超出审批范围', 'Outside approved scope'], fire: ['消防隐患', 'Fire hazard'], hours: ['违反施工时间', 'Working hours'], debris: ['垃圾未清运', 'Debris'], other: ['其它', 'Other'] },
  measure: { stop_work: ['停工整改', 'Stop work'], rectify: ['限期整改恢复', 'Rectify and restore'], deduct: ['扣除押金', 'Deduct from deposit'], remove_contractor: ['清退施工单位', 'Remove contractor'], cut_utilities: ['停水停电', 'Cut water and power'] },
  notice_category: { general: ['通知', 'Notice'], fees: ['收费', 'Fees'], maintenance: ['维修停水电', 'Maintenance'], safety: ['安全', 'Safety'], event: ['活动', 'Event'] },
  reminder_stage: { 1: ['首次催款', 'First reminder'], 2: ['第二次催款', 'Second reminder'], 3: ['最后催款', 'Final reminder'], escalated: ['上门催缴', 'Escalated'] },
  arrears_step: { area_manager: ['片区管理员上门', "Area manager's visit"], supervisor: ['客服主管上门', "Supervisor's visit"], director: ['管理处主任协商', "Director's step"] },
  arrears_outcome: { visited: ['已上门说明', 'Visited and explained'], promised: ['承诺限期缴纳', 'Promised to pay by a date'], refused: ['拒绝缴纳', 'Refused'], disputed: ['对服务有异议', 'Disputes the service'], not_home: ['无人在家', 'Nobody home'] },
  arrears_status: { open: ['待上门', 'To visit'], recorded: ['已登记结果', 'Outcome recorded'], settled: ['已缴清', 'Paid'] },
  key_kind: { vacant_unit: ['空置房钥匙', 'Vacant unit'], owner_entrusted: ['业主托管', 'Owner entrusted'], equipment_room: ['设备房', 'Equipment room'], other: ['其它', 'Other'] },
  patrol_kind: { weekly: ['每周巡查', 'Weekly'], monthly_full: ['月度全面检查', 'Monthly full check'] },
};
for (const [name, codes] of Object.entries(vocab)) {
  addMessages(Object.fromEntries(Object.entries(codes).map(([code, pair]) => [`${name}.${code}`, pair])));
}

addMessages({
  'app.name': ['物业客服中心', 'Property Service Center'],
  'lang.switch': ['English', '中文'],
  'lang.switchLabel': ['切换到英文', 'Switch to Chinese'],
  'loading': ['加载中…', 'Loading…'],
  'retry': ['重试', 'Retry'],
  'save': ['保存', 'Save'],
  'submit': ['提交', 'Submit'],
  'submitting': ['提交中…', 'Submitting…'],
  'cancel': ['取消', 'Cancel'],
  'confirm': ['确定', 'OK'],
  'back': ['返回', 'Back'],
  'close': ['关闭', 'Close'],
  'print': ['打印', 'Print'],
  'more': ['更多', 'More'],
  'none': ['暂无', 'None'],
  'yes': ['是', 'Yes'],
  'no': ['否', 'No'],
  'required': ['必填', 'required'],
  'optional': ['选填', 'optional'],
  'signIn': ['登录', 'Sign in'],
  'signOut': ['退出登录', 'Sign out'],
  'signingIn': ['登录中…', 'Signing in…'],
  'identity': ['邮箱或手机号', 'Email or phone'],
  'password': ['密码', 'Password'],
  'live': ['实时', 'Live'],
  'offline': ['连接已断开，正在重连…', 'Connection lost, reconnecting…'],
  'err.network': ['网络连接失败，请检查网络后重试', 'Cannot reach the server. Check the connection and try again.'],
  'err.notFound': ['没有找到这条记录，或您无权查看', 'Not found, or not yours to see.'],
  'err.forbidden': ['您没有权限进行此操作', 'You are not allowed to do this.'],
  'err.signIn': ['登录已过期，请重新登录', 'Your session has ended. Please sign in again.'],
  'err.tooMany': ['操作太频繁，请稍后再试', 'Too many attempts. Try again shortly.'],
  'err.unknown': ['操作没有成功，请稍后再试', 'That did not work. Please try again.'],
  'err.aborted': ['请求已取消', 'Request cancelled.'],
  'err.fileType': ['文件“{name}”类型不支持，请上传图片或 PDF', 'File "{name}" is not a supported type; use an image or a PDF.'],
  'err.imageType': ['文件“{name}”不是图片，请上传 JPG、PNG 或 WEBP 图片', 'File "{name}" is not a picture; use a JPG, PNG or WEBP image.'],
  'err.fileSize': ['文件“{name}”超过 {mb} MB', 'File "{name}" is larger than {mb} MB.'],
  'err.fileCount': ['最多上传 {n} 个文件', 'At most {n} files.'],
  'empty': ['暂无记录', 'Nothing here yet'],
  'timeline': ['进度', 'Timeline'],
  'status': ['状态', 'Status'],
  'serial': ['单号', 'Number'],
  'attachments': ['附件', 'Attachments'],
  'photos': ['照片', 'Photos'],
  'addFiles': ['添加照片或文件', 'Add photos or files'],
  'remove': ['移除', 'Remove'],
  'yuan': ['元', 'yuan'],
});
