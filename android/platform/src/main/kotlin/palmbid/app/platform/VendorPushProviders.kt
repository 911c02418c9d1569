package palmbid.app.platform

/*
 * One adapter a vendor channel. Chinese Android phones have no Google
 * push, and each large maker runs its own push service, reached through its
 * own SDK. None of these SDKs is on Maven Central, so :platform does not
 * link them. A build that ships push adds the SDK to :app and writes a
 * [VendorPushClient] over it: token callbacks, plus a message receiver that
 * calls [PushHintRelay.deliver] with the data message's key-value pairs.
 * It then passes the client to [PushProviders.choose].
 *
 * NOTE: apart from Huawei's, the SDK class names below come from the
 * vendors' integration guides and were not checked against an SDK; check
 * them against the SDK version you link.
 */

/**
 * Huawei (HMS Core Push Kit), for Huawei phones with HMS Core.
 *
 * SDK: `com.huawei.hms:push` from Huawei's Maven repository
 * (https://developer.huawei.com/repo/), with the AppGallery Connect plugin
 * and `agconnect-services.json`. Token: `HmsInstanceId.getToken(appId, "HCM")`
 * and `HmsMessageService.onNewToken`. Data messages:
 * `HmsMessageService.onMessageReceived(RemoteMessage)`, whose
 * `dataOfMap` goes to [PushHintRelay.deliver]. The service is declared in
 * the manifest with the `com.huawei.push.action.MESSAGING_EVENT` action.
 */
class HuaweiPushProvider(client: VendorPushClient) : VendorPushProvider("huawei", client)

/**
 * Honor (Honor Push), for Honor phones.
 *
 * SDK: `com.hihonor.mcs:push` from Honor's Maven repository, with
 * `mcs-services.json`. Token: `HonorPushClient.getPushToken` and
 * `HonorMessageService.onNewToken`. Data messages:
 * `HonorMessageService.onMessageReceived`.
 */
class HonorPushProvider(client: VendorPushClient) : VendorPushProvider("honor", client)

/**
 * Xiaomi (MiPush), for Xiaomi, Redmi and POCO phones.
 *
 * SDK: the MiPush aar from Xiaomi's developer site (not on any public Maven
 * repository). Token: `MiPushClient.registerPush(context, appId, appKey)`,
 * with the result in `PushMessageReceiver.onReceiveRegisterResult`. Data
 * messages: pass-through messages in
 * `PushMessageReceiver.onReceivePassThroughMessage`, whose content is the
 * hint's key-value pairs.
 */
class XiaomiPushProvider(client: VendorPushClient) : VendorPushProvider("xiaomi", client)

/**
 * OPPO (OPUSH / HeyTap push), for OPPO, OnePlus and realme phones.
 *
 * SDK: the HeyTap push aar from OPPO's open platform. Token:
 * `HeytapPushManager.register(context, appKey, appSecret, callback)`,
 * with the result in the callback's `onRegister`. Data messages: the SDK's data
 * message service.
 */
class OppoPushProvider(client: VendorPushClient) : VendorPushProvider("oppo", client)

/**
 * vivo (vivo push), for vivo and iQOO phones.
 *
 * SDK: the vivo push aar from vivo's open platform, with the app id and key
 * in the manifest. Token: `PushClient.turnOnPush` then `getRegId`, and
 * `OpenClientPushMessageReceiver.onReceiveRegId`. Data messages:
 * `OpenClientPushMessageReceiver.onTransmissionMessage`.
 */
class VivoPushProvider(client: VendorPushClient) : VendorPushProvider("vivo", client)
