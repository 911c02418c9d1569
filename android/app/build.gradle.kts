// :app — the Android application: activity, navigation, manual wiring,
// manifest and the few strings the OS reads.
import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    alias(libs.plugins.android.application)
    alias(libs.plugins.kotlin.compose)
}

// The platform host whose https://<host>/q/ links open the app (App Links).
// gradle.properties holds the default; pass -Ppalmbid.linkHost=... per build.
val linkHost = providers.gradleProperty("palmbid.linkHost").get()

android {
    namespace = "palmbid.app"
    compileSdk = libs.versions.android.compileSdk.get().toInt()

    defaultConfig {
        applicationId = "palmbid.app"
        minSdk = libs.versions.android.minSdk.get().toInt()
        targetSdk = libs.versions.android.targetSdk.get().toInt()
        versionCode = 1
        versionName = "0.1.0"

        manifestPlaceholders["linkHost"] = linkHost
    }

    androidResources {
        // Only the languages the app is written in; libraries bring others.
        localeFilters += listOf("zh-rCN", "en")
    }

    buildTypes {
        release {
            isMinifyEnabled = true
            isShrinkResources = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"))
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    buildFeatures {
        compose = true
    }
}

kotlin {
    compilerOptions { jvmTarget.set(JvmTarget.JVM_17) }
}

dependencies {
    implementation(project(":domain"))
    implementation(project(":core"))
    implementation(project(":bindings"))
    implementation(project(":presentation"))
    implementation(project(":ui"))
    implementation(project(":platform"))

    implementation(platform(libs.androidx.compose.bom))
    implementation(libs.androidx.compose.ui)
    implementation(libs.androidx.compose.material3)
    implementation(libs.androidx.activity.compose)
    // FileProvider: receipts and guarantees open in the phone's PDF viewer.
    implementation(libs.androidx.core)
    implementation(libs.androidx.lifecycle.runtime.ktx)
    implementation(libs.androidx.lifecycle.runtime.compose)
    implementation(libs.kotlinx.coroutines.android)
    debugImplementation(libs.androidx.compose.ui.tooling)
}
