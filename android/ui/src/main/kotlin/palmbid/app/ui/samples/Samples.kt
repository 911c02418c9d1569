package palmbid.app.ui.samples

import java.time.Duration
import palmbid.app.domain.AppSettings
import palmbid.app.domain.Challenge
import palmbid.app.domain.ChallengeAttachment
import palmbid.app.domain.DecryptionCheck
import palmbid.app.domain.DocumentInfo
import palmbid.app.domain.Downloaded
import palmbid.app.domain.Draw
import palmbid.app.domain.DrawContribution
import palmbid.app.domain.DrawStatus
import palmbid.app.domain.GuaranteeCode
import palmbid.app.domain.GuaranteeInstitution
import palmbid.app.domain.GuaranteeProject
import palmbid.app.domain.GuaranteeSection
import palmbid.app.domain.GuaranteeSections
import palmbid.app.domain.GuaranteeState
import palmbid.app.domain.GuaranteeView
import palmbid.app.domain.HallBid
import palmbid.app.domain.HallNotice
import palmbid.app.domain.HallPhase
import palmbid.app.domain.HallProjectState
import palmbid.app.domain.HallQuote
import palmbid.app.domain.HallSection
import palmbid.app.domain.HallSignIn
import palmbid.app.domain.IdentityCode
import palmbid.app.domain.IdentityState
import palmbid.app.domain.IdentityStatus
import palmbid.app.domain.InstitutionKind
import palmbid.app.domain.KeyRole
import palmbid.app.domain.KeyUseOutcome
import palmbid.app.domain.Language
import palmbid.app.domain.Message
import palmbid.app.domain.MessageKind
import palmbid.app.domain.OpenRound
import palmbid.app.domain.OrderState
import palmbid.app.domain.PickedUp
import palmbid.app.domain.PickupRecord
import palmbid.app.domain.PickupState
import palmbid.app.domain.Platform
import palmbid.app.domain.ProjectDetails
import palmbid.app.domain.QrKind
import palmbid.app.domain.QrRequestDetails
import palmbid.app.domain.QuoteConfirmation
import palmbid.app.domain.QuoteRound
import palmbid.app.domain.QuoteTable
import palmbid.app.domain.Requester
import palmbid.app.domain.RequesterKind
import palmbid.app.domain.RoundQuote
import palmbid.app.domain.ScannedPickup
import palmbid.app.domain.SealKind
import palmbid.app.domain.Session
import palmbid.app.domain.SignatureLogEntry
import palmbid.app.domain.SignatureOperation
import palmbid.app.domain.Terms
import palmbid.app.domain.VerifiedDraw
import palmbid.app.presentation.certificates.CertificatesState
import palmbid.app.presentation.common.PinPadState
import palmbid.app.presentation.confirm.ConfirmState
import palmbid.app.presentation.confirm.ConfirmStep
import palmbid.app.presentation.download.DownloadState
import palmbid.app.presentation.guarantees.GuaranteesState
import palmbid.app.presentation.hall.HallListState
import palmbid.app.presentation.home.HomeState
import palmbid.app.presentation.identity.IdentityCheckState
import palmbid.app.presentation.login.LoginState
import palmbid.app.presentation.messages.MessagesState
import palmbid.app.presentation.pickup.CertificatePickupState
import palmbid.app.presentation.pickup.PickupStep
import palmbid.app.presentation.pin.PinEntryState
import palmbid.app.presentation.pin.PinMode
import palmbid.app.presentation.pin.PinStep
import palmbid.app.presentation.project.ChallengeDraft
import palmbid.app.presentation.project.Connection
import palmbid.app.presentation.project.PinAction
import palmbid.app.presentation.project.ProjectState
import palmbid.app.presentation.project.ProjectTab
import palmbid.app.presentation.scan.ScanPhase
import palmbid.app.presentation.scan.ScanState
import palmbid.app.presentation.settings.SettingsState
import palmbid.app.presentation.signaturelog.SignatureLogState
import palmbid.app.ui.samples.SampleData.COMPANY
import palmbid.app.ui.samples.SampleData.CREDIT_CODE
import palmbid.app.ui.samples.SampleData.PLATFORM
import palmbid.app.ui.samples.SampleData.days
import palmbid.app.ui.samples.SampleData.minutes
import palmbid.app.ui.samples.SampleData.now

/**
 * Every state a person needs to see, per screen, by a short name
 * (`loading`, `error`, `empty`, `full`, `locked`, each hall phase …). The
 * desktop renderer draws each of them; previews use them too.
 */
object HomeSamples {
    val full = HomeState(
        loading = false,
        platform = PLATFORM,
        loggedInPhone = "138****5678",
        credentials = listOf(SampleData.credential),
        renewalWarnings = listOf(SampleData.renewal),
        unreadMessages = 3,
    )
    val all = linkedMapOf(
        "loading" to HomeState(),
        "empty" to HomeState(loading = false, platform = PLATFORM),
        "full" to full,
        "error" to full.copy(error = SampleData.networkError, credentials = emptyList(), renewalWarnings = emptyList()),
    )
}

object LoginSamples {
    private val terms = Terms("2026.3", "2026.2")
    private val base = LoginState(loading = false, platforms = listOf(PLATFORM, "杭州市公共资源交易中心"), platform = PLATFORM, terms = terms)
    val all = linkedMapOf(
        "loading" to LoginState(),
        "empty" to LoginState(loading = false),
        "phone" to base.copy(phone = "13812345678"),
        "logged-in" to base.copy(phone = "13812345678", agreed = true, session = Session(PLATFORM, "138****5678", days(7))),
        "code-sent" to base.copy(phone = "13812345678", codeSent = true, resendInSeconds = 42, code = "4821", agreed = true),
        "error" to base.copy(
            phone = "13812345678",
            codeSent = true,
            error = palmbid.app.presentation.common.ShownError(
                "auth.sms_code_expired",
                "验证码已过期（有效期 5 分钟），请重新获取。",
                "The code has expired (codes last 5 minutes). Ask for a new one.",
            ),
        ),
    )
}

object IdentitySamples {
    private val base = IdentityCheckState(
        loading = false,
        platform = PLATFORM,
        status = IdentityStatus(IdentityState.NOT_SUBMITTED, null, null, null, null, null),
    )
    val all = linkedMapOf(
        "loading" to IdentityCheckState(),
        "invalid-id" to base.copy(name = "王建国", idNumber = "33010619800101123"),
        "code" to base.copy(name = "王建国", idNumber = "330106198001011234", code = IdentityCode("4 7 1 9", minutes(3)), codeSecondsLeft = 156, videoBytes = 2_400_000),
        "pending" to base.copy(status = IdentityStatus(IdentityState.PENDING, "case-9", "王建国", null, minutes(-20), null)),
        "rejected" to base.copy(
            status = IdentityStatus(IdentityState.REJECTED, "case-9", "王建国", "视频中未能听清验证码，请在安静处重新录制。", minutes(-60), minutes(-10)),
        ),
        "approved" to base.copy(status = IdentityStatus(IdentityState.APPROVED, "case-9", "王建国", null, days(-1), minutes(-300))),
    )
}

object PickupSamples {
    private val scanned = ScannedPickup(
        platform = "浙江省数字证书办理平台",
        pickupId = "PU-20261205-0031",
        name = "王建国",
        phone = "138****5678",
        company = COMPANY,
        creditCode = CREDIT_CODE,
        seals = listOf(SealKind.COMPANY, SealKind.LEGAL_REPRESENTATIVE),
        state = OrderState.APPROVED,
    )
    private val base = CertificatePickupState(scanned = scanned)
    val all = linkedMapOf(
        "review" to base,
        "not-approved" to base.copy(scanned = scanned.copy(state = OrderState.PENDING)),
        "new-pin" to base.copy(step = PickupStep.NEW_PIN, pinPad = PinPadState(entered = 3)),
        "mismatch" to base.copy(step = PickupStep.NEW_PIN, pinMismatch = true),
        "working" to base.copy(step = PickupStep.WORKING),
        "done" to base.copy(
            step = PickupStep.DONE,
            result = PickedUp(
                scanned.platform, scanned.pickupId, SampleData.signing.certificate, SampleData.encryption.certificate,
                SampleData.signing.chain, SampleData.seals,
            ),
        ),
        "error" to base.copy(error = SampleData.networkError),
    )
}

object DownloadSamples {
    private val pickups = listOf(
        PickupRecord(PLATFORM, "PU-20261205-0031", PickupState.RECEIVED),
        PickupRecord("杭州市公共资源交易中心", "PU-20261120-0007", PickupState.INSTALLED),
    )
    val all = linkedMapOf(
        "loading" to DownloadState(),
        "empty" to DownloadState(loading = false),
        "list" to DownloadState(loading = false, pickups = pickups),
        "pin" to DownloadState(loading = false, pickups = pickups, selected = pickups[0].pickupId, pinPad = PinPadState(entered = 4, triesLeft = 6)),
        "done" to DownloadState(
            loading = false,
            pickups = pickups,
            selected = pickups[0].pickupId,
            result = Downloaded(COMPANY, CREDIT_CODE, listOf(SampleData.signing, SampleData.encryption)),
        ),
    )
}

object CertificatesSamples {
    private val full = CertificatesState(
        loading = false,
        credentials = listOf(SampleData.credentialTwoTries, SampleData.credentialLocked),
        renewalWarnings = listOf(SampleData.renewal),
    )
    val all = linkedMapOf(
        "loading" to CertificatesState(),
        "empty" to CertificatesState(loading = false),
        "full" to full,
        "delete" to full.copy(confirmDelete = "cred-2"),
        "error" to CertificatesState(loading = false, error = SampleData.networkError),
    )
}

object PinSamples {
    val all = linkedMapOf(
        "set" to PinEntryState(mode = PinMode.SET, step = PinStep.NEW, company = COMPANY, pinPad = PinPadState(entered = 2)),
        "repeat-mismatch" to PinEntryState(mode = PinMode.SET, step = PinStep.NEW, company = COMPANY, mismatch = true),
        "enter" to PinEntryState(mode = PinMode.ENTER, company = COMPANY, pinPad = PinPadState(entered = 6, triesLeft = 6)),
        "wrong-pin" to PinEntryState(mode = PinMode.ENTER, company = COMPANY, pinPad = PinPadState(triesLeft = 2), error = SampleData.wrongPin),
        "locked" to PinEntryState(mode = PinMode.ENTER, company = COMPANY, pinPad = PinPadState(triesLeft = 0, locked = true), error = SampleData.locked),
        "shuffled" to PinEntryState(
            mode = PinMode.ENTER,
            company = COMPANY,
            pinPad = PinPadState(entered = 1, triesLeft = 6, shuffledDigits = listOf(7, 2, 9, 0, 4, 1, 8, 5, 3, 6)),
        ),
        "change" to PinEntryState(mode = PinMode.CHANGE, step = PinStep.CURRENT, company = COMPANY, pinPad = PinPadState(triesLeft = 6)),
        "done" to PinEntryState(mode = PinMode.CHANGE, step = PinStep.REPEAT, company = COMPANY, done = true),
    )
}

object ScanSamples {
    val all = linkedMapOf(
        "scanning" to ScanState(),
        "checking" to ScanState(phase = ScanPhase.CHECKING),
        "refused" to ScanState(
            error = palmbid.app.presentation.common.ShownError(
                "qr.untrusted_host",
                "二维码来自未添加的平台 evil.example.com，已拒绝。只扫描已添加的交易平台的二维码。",
                "The code comes from evil.example.com, a platform you have not added, and was refused. Scan only codes of your platforms.",
            ),
        ),
        "no-permission" to ScanState(phase = ScanPhase.NO_PERMISSION),
    )
}

object ConfirmSamples {
    private val requester = Requester(RequesterKind.TOOLBOX, "投标工具箱 5.2", "DESKTOP-7Q2K9", "115.236.xx.18")
    private val document = DocumentInfo("三墩镇农居安置房-投标文件.zbj", "9f2c4e81a07b3d56c1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8", 18_734_112)
    private val base = QrRequestDetails(
        platform = PLATFORM,
        requestId = "q-1",
        kind = QrKind.SIGN,
        requester = requester,
        document = document,
        signer = SampleData.signing,
        encryption = SampleData.encryption,
        seals = SampleData.seals,
        numberChoices = listOf(37, 82, 15),
        createdAt = now,
        answerBy = now.plus(Duration.ofMinutes(3)),
    )
    val all = linkedMapOf(
        "loading" to ConfirmState(),
        "login-number" to ConfirmState(
            step = ConfirmStep.NUMBER_MATCH,
            details = base.copy(kind = QrKind.LOGIN, document = null, requester = requester.copy(kind = RequesterKind.PORTAL, name = PLATFORM)),
            secondsLeft = 164,
        ),
        "sign" to ConfirmState(step = ConfirmStep.REVIEW, details = base, secondsLeft = 151),
        "seal" to ConfirmState(step = ConfirmStep.REVIEW, details = base.copy(kind = QrKind.SEAL), secondsLeft = 120, seal = SealKind.COMPANY),
        "encryption-certificate" to ConfirmState(
            step = ConfirmStep.REVIEW,
            details = base.copy(kind = QrKind.ENCRYPTION_CERTIFICATE, document = null),
            secondsLeft = 95,
            clockWarning = true,
        ),
        "decrypt-pin" to ConfirmState(
            step = ConfirmStep.PIN,
            details = base.copy(kind = QrKind.DECRYPT),
            secondsLeft = 24,
            pinPad = PinPadState(entered = 5, triesLeft = 6),
        ),
        "expired" to ConfirmState(step = ConfirmStep.EXPIRED, details = base, secondsLeft = 0),
        "wrong-number" to ConfirmState(step = ConfirmStep.CANCELLED, details = base.copy(kind = QrKind.LOGIN), wrongNumber = true),
        "done" to ConfirmState(step = ConfirmStep.DONE, details = base.copy(kind = QrKind.SEAL), seal = SealKind.COMPANY),
    )
}

object HallListSamples {
    val all = linkedMapOf(
        "loading" to HallListState(),
        "empty" to HallListState(loading = false, platform = PLATFORM),
        "full" to HallListState(loading = false, platform = PLATFORM, projects = SampleData.projects),
        "error" to HallListState(loading = false, platform = PLATFORM, error = SampleData.networkError),
    )
}

object ProjectSamples {
    private val project = SampleData.project

    private fun hall(phase: HallPhase, progress: palmbid.app.domain.HallProgress = SampleData.progress) = HallProjectState(
        project = project.copy(phase = phase),
        progress = progress,
        lastSeq = 42,
        updatedAt = now,
        answeredChallenges = emptyList(),
        openRounds = emptyList(),
        draw = null,
    )

    private val bid = HallBid("bid-1", 1, 18_734_112, days(-2), listOf("手机证书", "USB-KEY"), null, decrypted = false, quote = null)
    private val checked = bid.copy(check = DecryptionCheck("bid-1", days(-1), "手机证书"))
    private val signIn = HallSignIn(COMPANY, CREDIT_CODE, "5A3F9C01D2", minutes(-12), "R-118-007")

    private fun quotes(phase: HallPhase, confirmed: Boolean?) = QuoteTable(
        phase,
        listOf(
            HallQuote(1, "土建工程", COMPANY, CREDIT_CODE, "bid-1", true, "38,620,000.00", confirmed, null),
            HallQuote(1, "土建工程", "浙江中天恒筑建设有限公司", "91330000143027166X", null, true, "39,105,500.00", true, minutes(-2)),
            HallQuote(1, "土建工程", "宁波海岳机电设备有限公司", "91330201MA2AB1234C", null, false, null, null, null),
        ),
    )

    private val details = ProjectDetails(
        id = project.id,
        name = project.name,
        code = "HZXH-2026-0118",
        tenderer = "杭州市西湖区三墩镇人民政府",
        agent = "浙江求是工程咨询有限公司",
        openingAt = project.openingAt,
        place = "杭州市公共资源交易中心 第三开标室（线上）",
        notes = "投标人须在开标前完成签到，并在解密阶段 30 分钟内完成解密。",
        sections = listOf(HallSection(1, "土建工程", 6), HallSection(2, "安装工程", 3)),
        phase = HallPhase.SIGN_IN,
        progress = SampleData.progress,
    )

    private val base = ProjectState(
        loading = false,
        platform = PLATFORM,
        projectId = project.id,
        connection = Connection.LIVE,
        ownCreditCode = CREDIT_CODE,
        bids = listOf(bid),
        details = details,
    )

    private val round = QuoteRound(1, 2, true, minutes(-5), minutes(10), null, emptyList())
    private val closedRound = QuoteRound(
        1, 1, false, minutes(-40), minutes(-20), minutes(-20),
        listOf(
            RoundQuote(CREDIT_CODE, COMPANY, "38,200,000.00", minutes(-25)),
            RoundQuote("91330000143027166X", "浙江中天恒筑建设有限公司", "38,950,000.00", minutes(-22)),
        ),
    )

    val all = linkedMapOf(
        "loading" to ProjectState(),
        "not-open" to base.copy(hall = hall(HallPhase.NOT_OPEN, SampleData.progress.copy(signedIn = 0)), bids = listOf(checked)),
        "sign-in" to base.copy(hall = hall(HallPhase.SIGN_IN), notice = HallNotice.OpeningSoon(30)),
        "sign-in-pin" to base.copy(hall = hall(HallPhase.SIGN_IN), pinFor = PinAction.SignIn, pinPad = PinPadState(entered = 2, triesLeft = 6)),
        "decrypt-signer-pin" to base.copy(
            hall = hall(HallPhase.DECRYPTION),
            signIn = signIn,
            bids = listOf(checked),
            pinFor = PinAction.Decrypt(checked.bidId),
            signerPin = true,
            pinPad = PinPadState(entered = 0, triesLeft = 5),
        ),
        "decryption" to base.copy(
            hall = hall(HallPhase.DECRYPTION, SampleData.progress.copy(decrypted = 4)),
            signIn = signIn,
            bids = listOf(checked),
            notice = HallNotice.PhaseStarted(HallPhase.DECRYPTION),
        ),
        "quote-reading" to base.copy(
            tab = ProjectTab.QUOTES,
            hall = hall(HallPhase.QUOTE_READING, SampleData.progress.copy(decrypted = 8)),
            signIn = signIn,
            quotes = quotes(HallPhase.QUOTE_READING, null),
        ),
        "quote-confirmation" to base.copy(
            tab = ProjectTab.QUOTES,
            hall = hall(HallPhase.QUOTE_CONFIRMATION, SampleData.progress.copy(decrypted = 8, confirmed = 5)),
            signIn = signIn,
            quotes = quotes(HallPhase.QUOTE_CONFIRMATION, false),
        ),
        "confirm-pin" to base.copy(
            tab = ProjectTab.QUOTES,
            hall = hall(HallPhase.QUOTE_CONFIRMATION),
            quotes = quotes(HallPhase.QUOTE_CONFIRMATION, false),
            pinFor = PinAction.ConfirmQuote("bid-1", "38,620,000.00"),
            pinPad = PinPadState(triesLeft = 2),
            error = SampleData.wrongPin,
        ),
        "evaluation-rounds" to base.copy(
            tab = ProjectTab.ROUNDS,
            hall = hall(HallPhase.EVALUATION).copy(openRounds = listOf(OpenRound(1, 2, minutes(10)))),
            rounds = listOf(round, closedRound),
            roundAmount = "37,980,000.00",
            notice = HallNotice.RoundOpened(1, 2, minutes(10)),
        ),
        "evaluation-draw" to base.copy(
            tab = ProjectTab.DRAW,
            hall = hall(HallPhase.EVALUATION).copy(draw = DrawStatus(1, listOf("0.95", "0.96", "0.97", "0.98"), 2, "0.97")),
            draws = listOf(Draw(1, false, listOf("0.95", "0.96", "0.97", "0.98"), "c0ffee", 9, 2)),
            drawContribution = DrawContribution(1, listOf("0.95", "0.96", "0.97", "0.98"), "c0ffee", "kept"),
            verifiedDraw = VerifiedDraw(1, 2, "0.97"),
        ),
        "closed" to base.copy(
            hall = hall(HallPhase.CLOSED, SampleData.progress.copy(signedIn = 9, decrypted = 9, confirmed = 9)),
            signIn = signIn,
            bids = listOf(checked.copy(decrypted = true, quote = "38,620,000.00")),
            confirmations = listOf(QuoteConfirmation("bid-1", 1, COMPANY, "38,620,000.00", "5A3F9C01D2", minutes(-50))),
        ),
        "details" to base.copy(tab = ProjectTab.DETAILS, hall = hall(HallPhase.SIGN_IN)),
        "challenge" to base.copy(
            tab = ProjectTab.CHALLENGES,
            hall = hall(HallPhase.QUOTE_CONFIRMATION),
            challenges = listOf(
                Challenge(
                    "ch-1",
                    "第二标段投标人浙江中天恒筑建设有限公司的项目经理在其他在建项目中任职，请核实。",
                    listOf(ChallengeAttachment("在建项目公示截图.png", "image/png", 412_300)),
                    "5A3F9C01D2",
                    minutes(-30),
                    "经核实，该项目经理已于 2026 年 10 月完成变更，符合招标文件要求。",
                    minutes(-8),
                ),
            ),
            challengeDraft = ChallengeDraft(
                "对第一标段的唱标结果有异议：本公司报价的大写金额与唱标记录不一致。",
                listOf(palmbid.app.domain.Attachment("投标函扫描件.pdf", ByteArray(1_200_000))),
            ),
        ),
        "reconnecting" to base.copy(hall = hall(HallPhase.DECRYPTION), connection = Connection.RECONNECTING, error = SampleData.networkError),
    )
}

object GuaranteesSamples {
    private val projects = listOf(
        GuaranteeProject("P-2026-118", SampleData.project.name, SampleData.project.openingAt),
        GuaranteeProject("P-2026-121", "余杭区良渚街道道路提升改造工程", days(3)),
    )
    private val sections = GuaranteeSections(
        projects[0],
        listOf(GuaranteeSection(1, "土建工程", CREDIT_CODE), GuaranteeSection(2, "安装工程", null)),
    )
    private val code = GuaranteeCode("BH3301062026011801", "P-2026-118", SampleData.project.name, 1, "土建工程", CREDIT_CODE, COMPANY)
    private val institutions = listOf(
        GuaranteeInstitution("i-1", "中国工商银行杭州分行", InstitutionKind.BANK, 50, development = false),
        GuaranteeInstitution("i-2", "中国人民财产保险浙江分公司", InstitutionKind.INSURER, 35, development = false),
        GuaranteeInstitution("i-dev", "参考平台开发担保机构", InstitutionKind.GUARANTOR, 10, development = true),
    )
    private val base = GuaranteesState(loading = false, platform = PLATFORM, projects = projects)
    val all = linkedMapOf(
        "loading" to GuaranteesState(),
        "empty" to GuaranteesState(loading = false, platform = PLATFORM),
        "projects" to base,
        "section" to base.copy(
            sections = sections,
            code = code,
            view = GuaranteeView(code, GuaranteeState.NONE, null, null, null, null),
            institutions = institutions,
        ),
        "pin" to base.copy(
            sections = sections,
            code = code,
            institutions = institutions,
            applyTo = "i-1",
            pinPad = PinPadState(entered = 3, triesLeft = 6),
        ),
        "issued" to base.copy(
            sections = sections,
            code = code,
            view = GuaranteeView(
                code, GuaranteeState.ISSUED, "中国工商银行杭州分行", null, minutes(-90),
                palmbid.app.domain.VerifiedGuarantee(ByteArray(1), "ICBC-BH-2026-55102", "CN=中国工商银行杭州分行", "ab12"),
            ),
        ),
        "error" to base.copy(error = SampleData.networkError),
    )
}

object SignatureLogSamples {
    private const val TOOLBOX = "投标工具箱 5.2 (DESKTOP-7Q2K9)"
    private const val DIGEST = "9f2c4e81a07b3d56c1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8"

    private fun entry(
        id: Long,
        minutesAgo: Long,
        op: SignatureOperation,
        outcome: KeyUseOutcome = KeyUseOutcome.USED,
        role: KeyRole? = KeyRole.SIGNING,
        requester: String? = null,
        project: String? = null,
        doc: String? = null,
    ) = SignatureLogEntry(
        id = id,
        at = minutes(-minutesAgo),
        operation = op,
        operationName = op.name.lowercase(),
        credentialId = "cred-0001",
        keyId = role?.let { "key-${it.name.lowercase()}-1" },
        role = role,
        certificateSerial = role?.let { if (it == KeyRole.SIGNING) "5A3F9C01D2" else "5A3F9C01D3" },
        platform = SampleData.PLATFORM,
        requester = requester,
        project = project,
        documentName = doc,
        documentSha256 = doc?.let { DIGEST },
        outcome = outcome,
    )

    /** Newest first: two refused tries between ordinary uses, and every operation the newer core added. */
    private val entries = listOf(
        entry(12, 2, SignatureOperation.QUOTE_CONFIRMATION, project = SampleData.project.name),
        entry(11, 15, SignatureOperation.HALL_DECRYPT, role = KeyRole.ENCRYPTION, project = SampleData.project.name),
        entry(10, 31, SignatureOperation.HALL_SIGN_IN, KeyUseOutcome.WRONG_PIN, project = SampleData.project.name),
        entry(9, 32, SignatureOperation.HALL_SIGN_IN, project = SampleData.project.name),
        entry(8, 240, SignatureOperation.QR_LOGIN, KeyUseOutcome.LOCKED, requester = TOOLBOX),
        entry(7, 300, SignatureOperation.PIN_CHANGE, role = null),
        entry(6, 600, SignatureOperation.QR_SEAL, requester = TOOLBOX, doc = "三墩镇农居安置房-投标文件.pdf"),
        entry(5, 900, SignatureOperation.DECRYPT_FILE, KeyUseOutcome.FAILED, role = KeyRole.ENCRYPTION, doc = "三墩镇农居安置房-投标文件.zbj"),
        entry(4, 1000, SignatureOperation.RELEASE_KEY, KeyUseOutcome.INTERRUPTED, role = KeyRole.ENCRYPTION),
        entry(3, 1400, SignatureOperation.CERTIFICATE_INSTALL),
        entry(2, 1500, SignatureOperation.OTHER).copy(operationName = "timestamp_sign"),
    )
    val all = linkedMapOf(
        "loading" to SignatureLogState(),
        "empty" to SignatureLogState(loading = false),
        "full" to SignatureLogState(loading = false, entries = entries),
        "end" to SignatureLogState(loading = false, entries = entries.takeLast(5), endReached = true),
        // The refused tries and the PIN change, which the long lists push below the fold.
        "refused" to SignatureLogState(
            loading = false,
            entries = entries.filter { it.refused || it.operation == SignatureOperation.PIN_CHANGE },
            endReached = true,
        ),
        "error" to SignatureLogState(loading = false, error = SampleData.networkError),
    )
}

object SettingsSamples {
    private val platforms = listOf(
        Platform(PLATFORM, "https://ggzy.zj.example.cn", SampleData.signing.chain.first(), days(-30)),
        Platform("杭州市公共资源交易中心", "https://ggzy.hz.example.cn", SampleData.signing.chain.first(), days(-3)),
    )
    private val base = SettingsState(loading = false, settings = AppSettings(currentPlatform = PLATFORM), platforms = platforms)
    val all = linkedMapOf(
        "loading" to SettingsState(),
        "full" to base,
        "english" to base.copy(settings = base.settings.copy(language = Language.EN)),
        "remove" to base.copy(confirmRemove = platforms[1].name),
        "add" to base.copy(newPlatformName = "宁波市公共资源交易中心", newPlatformUrl = "https://ggzy.nb.example.cn"),
    )
}

object MessagesSamples {
    private val messages = listOf(
        Message("m-1", minutes(-1), MessageKind.Hall(PLATFORM, "P-2026-118", SampleData.project.name, HallNotice.PhaseStarted(HallPhase.QUOTE_CONFIRMATION)), read = false),
        Message("m-2", minutes(-30), MessageKind.Hall(PLATFORM, "P-2026-118", SampleData.project.name, HallNotice.OpeningSoon(30)), read = false),
        Message("m-3", days(-1), MessageKind.Renewal(SampleData.renewal), read = false),
        Message(
            "m-4", days(-2),
            MessageKind.Guarantee(PLATFORM, GuaranteeView(
                GuaranteeCode("BH3301062026011801", "P-2026-118", SampleData.project.name, 1, "土建工程", CREDIT_CODE, COMPANY),
                GuaranteeState.ISSUED, "中国工商银行杭州分行", null, days(-2), null,
            )),
            read = true,
        ),
        Message("m-5", days(-5), MessageKind.Identity(PLATFORM, IdentityStatus(IdentityState.APPROVED, "case-9", "王建国", null, days(-6), days(-5))), read = true),
    )
    val all = linkedMapOf(
        "loading" to MessagesState(),
        "empty" to MessagesState(loading = false),
        "full" to MessagesState(loading = false, messages = messages),
    )
}
