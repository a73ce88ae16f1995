//! The provider catalog and the sandbox rules of section 6 of the contract, as plain Rust.
//!
//! Nothing here touches HTTP or the database: handlers ask the catalog what a provider is and
//! ask the rules what an attempt yields, then record the outcome.

use std::collections::HashMap;

use link_contract::{error_type, AuthType, FormComponents, MfaMethod, Region};
use sha2::{Digest, Sha256};

use crate::config::{Env, Region as ServerRegion};

/// Failures of these kinds count towards the per-token lockout.
pub const MAX_FAILED_ATTEMPTS: i64 = 5;

/// The MFA code that completes the sandbox MFA challenge.
pub const SANDBOX_MFA_CODE: &str = "123456";

/// Providers with a demo connection (`POST /v2/link/connect/demo`).
pub const DEMO_PROVIDERS: &[&str] = &["apple_health_kit", "fitbit", "freestyle_libre", "oura"];

/// One OAuth scope shown on the sandbox consent page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub name: String,
    pub required: bool,
}

/// A provider of the catalog.
#[derive(Debug, Clone)]
pub struct Provider {
    /// Stable integer id (`id` of `GET /v2/link/providers`).
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub auth_type: AuthType,
    pub supported_resources: Vec<String>,
    pub form_components: FormComponents,
    /// OAuth providers only.
    pub scopes: Vec<Scope>,
    /// Regions accepted in the `region` field (empty: the provider ignores `region`).
    pub regions: Vec<Region>,
    pub default_region: Option<String>,
    /// Colour of its generated logo.
    pub color: String,
}

impl Provider {
    pub fn is_linkable(&self) -> bool {
        self.auth_type.is_linkable()
    }

    pub fn supports_region(&self, code: &str) -> bool {
        self.regions
            .iter()
            .any(|r| r.code.eq_ignore_ascii_case(code))
    }
}

/// The server's provider catalog: every slug of the seeds, plus synthetic password providers.
#[derive(Debug, Clone)]
pub struct Catalog {
    providers: Vec<Provider>,
    by_slug: HashMap<String, usize>,
}

type Seed = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);

const OAUTH: &[Seed] = &[
    (
        "fitbit",
        "Fitbit",
        "Activity Trackers (all devices)",
        &["activity", "sleep", "workouts", "heartrate", "body"],
    ),
    (
        "garmin",
        "Garmin",
        "Fitness watches (all devices)",
        &["activity", "sleep", "workouts", "heartrate", "body"],
    ),
    (
        "oura",
        "Oura",
        "Smart Sleep tracking ring",
        &["sleep", "activity", "heartrate", "hrv", "temperature"],
    ),
    (
        "strava",
        "Strava",
        "Running & Cycling Social Network",
        &["workouts", "activity"],
    ),
    ("wahoo", "Wahoo", "Cycling Equipment", &["workouts"]),
    (
        "ihealth",
        "iHealth",
        "Blood pressure, Fitness scales, Glucometers & Fitness watches",
        &["blood_pressure", "body", "glucose", "activity"],
    ),
    (
        "withings",
        "Withings",
        "Fitness scales, watches and health monitors",
        &["body", "weight", "blood_pressure", "sleep", "activity"],
    ),
    (
        "google_fit",
        "Google Fit",
        "Activity and health data from Google Fit",
        &["activity", "workouts", "sleep", "heartrate", "body"],
    ),
    (
        "polar",
        "Polar",
        "Sports watches and heart rate monitors",
        &["workouts", "activity", "sleep", "heartrate"],
    ),
    (
        "cronometer",
        "Cronometer",
        "Nutrition and meal tracking",
        &["meal", "body"],
    ),
    (
        "omron",
        "Omron",
        "Blood pressure monitors and scales",
        &["blood_pressure", "body", "weight"],
    ),
    ("dexcom_v3", "Dexcom", "CGM Glucose Monitor", &["glucose"]),
    (
        "whoop_v2",
        "Whoop",
        "Smart Activity Watches",
        &["sleep", "workouts", "activity", "heartrate", "hrv"],
    ),
    (
        "my_fitness_pal_v2",
        "MyFitnessPal",
        "Meal Tracking Application",
        &["meal", "body"],
    ),
    (
        "ultrahuman",
        "Ultrahuman",
        "Smart ring and metabolic fitness platform",
        &["sleep", "activity", "heartrate", "glucose"],
    ),
    (
        "runkeeper",
        "Runkeeper",
        "GPS running and workout tracker",
        &["workouts", "activity"],
    ),
    (
        "map_my_fitness",
        "MapMyFitness",
        "Workout and route tracking",
        &["workouts", "activity"],
    ),
];

const PASSWORD: &[Seed] = &[
    (
        "renpho",
        "Renpho",
        "Fitness Scales",
        &["body", "weight", "fat"],
    ),
    (
        "zwift",
        "Zwift",
        "Virtual cycling and running",
        &["workouts"],
    ),
    (
        "peloton",
        "Peloton",
        "Popular Indoor Exercise bike",
        &["workouts"],
    ),
    (
        "eight_sleep",
        "Eight Sleep",
        "Smart Mattress",
        &["sleep", "heartrate", "temperature"],
    ),
    (
        "beurer_api",
        "Beurer",
        "Blood pressure and glucose devices",
        &["blood_pressure", "glucose", "body"],
    ),
    (
        "whoop",
        "Whoop (Legacy)",
        "Smart Activity Watches",
        &["sleep", "workouts", "activity"],
    ),
    (
        "hammerhead",
        "Hammerhead",
        "Cycling Computer",
        &["workouts"],
    ),
    (
        "dexcom",
        "Dexcom (Legacy)",
        "CGM Glucose Monitor",
        &["glucose"],
    ),
    (
        "my_fitness_pal",
        "MyFitnessPal (Legacy)",
        "Meal Tracking Application",
        &["meal"],
    ),
    (
        "kardia",
        "Kardia",
        "Personal ECG by AliveCor",
        &["electrocardiogram", "heartrate"],
    ),
    (
        "abbott_libreview",
        "Abbott LibreView",
        "Glucose data shared through LibreView",
        &["glucose"],
    ),
];

const EMAIL: &[Seed] = &[(
    "freestyle_libre",
    "Freestyle Libre",
    "Abbott CGM Glucose monitor",
    &["glucose"],
)];

const SDK: &[Seed] = &[
    (
        "apple_health_kit",
        "Apple HealthKit",
        "Health data on iPhone (mobile SDK only)",
        &["activity", "sleep", "workouts", "body", "heartrate"],
    ),
    (
        "health_connect",
        "Health Connect",
        "Health data on Android (mobile SDK only)",
        &["activity", "sleep", "workouts", "body", "heartrate"],
    ),
    (
        "manual",
        "Manual",
        "Data entered by the user through the API",
        &["body", "meal", "glucose"],
    ),
];

const BLE: &[Seed] = &[
    (
        "freestyle_libre_ble",
        "Freestyle Libre (Bluetooth)",
        "Abbott CGM read over Bluetooth (mobile SDK only)",
        &["glucose"],
    ),
    (
        "beurer_ble",
        "Beurer (Bluetooth)",
        "Beurer devices over Bluetooth (mobile SDK only)",
        &["blood_pressure", "glucose"],
    ),
    (
        "omron_ble",
        "Omron (Bluetooth)",
        "Omron monitors over Bluetooth (mobile SDK only)",
        &["blood_pressure"],
    ),
    (
        "onetouch_ble",
        "OneTouch (Bluetooth)",
        "OneTouch glucometers over Bluetooth (mobile SDK only)",
        &["glucose"],
    ),
    (
        "accuchek_ble",
        "Accu-Chek (Bluetooth)",
        "Accu-Chek glucometers over Bluetooth (mobile SDK only)",
        &["glucose"],
    ),
    (
        "contour_ble",
        "Contour (Bluetooth)",
        "Contour glucometers over Bluetooth (mobile SDK only)",
        &["glucose"],
    ),
];

const US_REGIONS: &[(&str, &str)] = &[
    ("us", "United States"),
    ("ca", "Canada"),
    ("hk", "Hong Kong"),
    ("in", "India"),
    ("kr", "South Korea"),
    ("ph", "Philippines"),
    ("sg", "Singapore"),
    ("tw", "Taiwan"),
];

const EU_REGIONS: &[(&str, &str)] = &[
    ("gb", "United Kingdom"),
    ("ar", "Argentina"),
    ("at", "Austria"),
    ("au", "Australia"),
    ("be", "Belgium"),
    ("bh", "Bahrain"),
    ("br", "Brazil"),
    ("ch", "Switzerland"),
    ("cl", "Chile"),
    ("co", "Colombia"),
    ("cz", "Czechia"),
    ("de", "Germany"),
    ("dk", "Denmark"),
    ("eg", "Egypt"),
    ("es", "Spain"),
    ("fi", "Finland"),
    ("fr", "France"),
    ("gr", "Greece"),
    ("hk", "Hong Kong"),
    ("hr", "Croatia"),
    ("ie", "Ireland"),
    ("il", "Israel"),
    ("in", "India"),
    ("it", "Italy"),
    ("jo", "Jordan"),
    ("kr", "South Korea"),
    ("kw", "Kuwait"),
    ("lb", "Lebanon"),
    ("lu", "Luxembourg"),
    ("mx", "Mexico"),
    ("nl", "Netherlands"),
    ("no", "Norway"),
    ("nz", "New Zealand"),
    ("om", "Oman"),
    ("ph", "Philippines"),
    ("pl", "Poland"),
    ("pt", "Portugal"),
    ("qa", "Qatar"),
    ("sa", "Saudi Arabia"),
    ("se", "Sweden"),
    ("sg", "Singapore"),
    ("si", "Slovenia"),
    ("sk", "Slovakia"),
    ("tr", "Türkiye"),
    ("tw", "Taiwan"),
    ("za", "South Africa"),
];

/// The region list of the email provider for a server region, and its default.
pub fn region_list(region: ServerRegion) -> (Vec<Region>, &'static str) {
    let (list, default) = match region {
        ServerRegion::Us => (US_REGIONS, "us"),
        ServerRegion::Eu => (EU_REGIONS, "gb"),
    };
    let regions = list
        .iter()
        .map(|(code, name)| Region {
            code: (*code).to_string(),
            name: (*name).to_string(),
        })
        .collect();
    (regions, default)
}

fn color_for(slug: &str) -> String {
    let h = Sha256::digest(slug.as_bytes());
    // A darkish, saturated colour so that white initials stay readable.
    let hue = u16::from_be_bytes([h[0], h[1]]) % 360;
    format!("hsl({hue}, 55%, 38%)")
}

impl Catalog {
    /// Builds the catalog for a server's env and region, with `synthetic` extra password
    /// providers (`synthetic_0001`, ...) when `synthetic > 0`.
    pub fn new(env: Env, region: ServerRegion, synthetic: u32) -> Self {
        let sandbox = env == Env::Sandbox;
        let mut providers = Vec::new();
        let mut push = |seed: &Seed, auth_type: AuthType| {
            let (slug, name, description, resources) = *seed;
            let mut p = Provider {
                id: providers.len() as i64 + 1,
                slug: slug.to_string(),
                name: name.to_string(),
                description: description.to_string(),
                auth_type,
                supported_resources: resources.iter().map(|r| r.to_string()).collect(),
                form_components: FormComponents::default(),
                scopes: Vec::new(),
                regions: Vec::new(),
                default_region: None,
                color: color_for(slug),
            };
            match auth_type {
                AuthType::Oauth => {
                    p.scopes = std::iter::once(Scope {
                        name: "profile".to_string(),
                        required: true,
                    })
                    .chain(resources.iter().enumerate().map(|(i, r)| Scope {
                        name: r.to_string(),
                        required: i == 0,
                    }))
                    .collect();
                }
                AuthType::Password => {
                    p.form_components = password_form(name, sandbox);
                }
                AuthType::Email => {
                    let (regions, default) = region_list(region);
                    p.form_components = FormComponents {
                        username_label: Some("Email".to_string()),
                        password_label: None,
                        instructions: Some(if sandbox {
                            format!(
                                "Enter the email address of your {name} account; we send it an \
                                 invitation to share its readings. Sandbox: any valid address \
                                 succeeds, bad@example.com is rejected."
                            )
                        } else {
                            format!(
                                "Enter the email address of your {name} account; we send it an \
                                 invitation to share its readings."
                            )
                        }),
                        regions: regions.clone(),
                        default_region: Some(default.to_string()),
                    };
                    p.regions = regions;
                    p.default_region = Some(default.to_string());
                }
                AuthType::Sdk | AuthType::Ble => {}
            }
            providers.push(p);
        };
        for s in OAUTH {
            push(s, AuthType::Oauth);
        }
        for s in PASSWORD {
            push(s, AuthType::Password);
        }
        for s in EMAIL {
            push(s, AuthType::Email);
        }
        for s in SDK {
            push(s, AuthType::Sdk);
        }
        for s in BLE {
            push(s, AuthType::Ble);
        }
        if sandbox {
            for i in 1..=synthetic {
                let slug = format!("synthetic_{i:04}");
                let name = format!("Synthetic Provider {i}");
                providers.push(Provider {
                    id: providers.len() as i64 + 1,
                    form_components: password_form(&name, true),
                    color: color_for(&slug),
                    slug,
                    name,
                    description: "Generated sandbox password provider".to_string(),
                    auth_type: AuthType::Password,
                    supported_resources: vec!["activity".to_string()],
                    scopes: Vec::new(),
                    regions: Vec::new(),
                    default_region: None,
                });
            }
        }
        let by_slug = providers
            .iter()
            .enumerate()
            .map(|(i, p)| (p.slug.clone(), i))
            .collect();
        Catalog { providers, by_slug }
    }

    pub fn get(&self, slug: &str) -> Option<&Provider> {
        self.by_slug.get(slug).map(|&i| &self.providers[i])
    }

    pub fn all(&self) -> &[Provider] {
        &self.providers
    }
}

fn password_form(name: &str, sandbox: bool) -> FormComponents {
    FormComponents {
        username_label: Some("Email or username".to_string()),
        password_label: Some("Password".to_string()),
        instructions: Some(if sandbox {
            format!(
                "Sign in with your {name} account. Sandbox: user_good / pass_good succeeds, \
                 user_mfa / pass_good asks for the code 123456."
            )
        } else {
            format!("Sign in with your {name} account.")
        }),
        regions: Vec::new(),
        default_region: None,
    }
}

/// What one password, MFA or email attempt yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Success {
        external_user_id: String,
    },
    Mfa {
        method: MfaMethod,
        hint: String,
        /// The provider user the challenge is for, recorded on success.
        external_user_id: String,
    },
    Failure {
        error_type: &'static str,
        message: String,
    },
}

impl Outcome {
    fn failure(error_type: &'static str, message: impl Into<String>) -> Self {
        Outcome::Failure {
            error_type,
            message: message.into(),
        }
    }

    /// Whether this outcome counts towards the lockout of its token.
    pub fn counts_towards_lockout(&self) -> bool {
        matches!(
            self,
            Outcome::Failure { error_type, .. }
                if *error_type == error_type::PROVIDER_CREDENTIAL_ERROR
                    || *error_type == error_type::INCORRECT_MFA_CODE
        )
    }
}

/// A stable, non-secret provider user id for a sandbox account.
pub fn external_user_id(provider: &str, account: &str) -> String {
    let h = Sha256::digest(format!("{provider}\0{account}").as_bytes());
    let hex: String = h[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("sbx_{hex}")
}

/// Section 6: password providers.
pub fn password_outcome(
    provider: &Provider,
    username: &str,
    password: &str,
    region: Option<&str>,
) -> Outcome {
    if let Some(r) = region {
        if !provider.regions.is_empty() && !provider.supports_region(r) {
            return unsupported_region(provider);
        }
    }
    match (username, password) {
        ("user_good", "pass_good") => Outcome::Success {
            external_user_id: external_user_id(&provider.slug, username),
        },
        ("user_mfa", "pass_good") => Outcome::Mfa {
            method: MfaMethod::Sms,
            hint: "•••• 1234".to_string(),
            external_user_id: external_user_id(&provider.slug, username),
        },
        ("user_expired", _) => Outcome::failure(
            error_type::PROVIDER_PASSWORD_EXPIRED,
            format!(
                "The {} password has expired; reset it with the provider.",
                provider.name
            ),
        ),
        ("user_down", _) => Outcome::failure(
            error_type::PROVIDER_API_ERROR,
            format!("{} is not responding; try again later.", provider.name),
        ),
        _ => Outcome::failure(
            error_type::PROVIDER_CREDENTIAL_ERROR,
            format!("{} rejected the username or password.", provider.name),
        ),
    }
}

/// Section 6: the MFA step of a password provider.
pub fn mfa_outcome(mfa_code: &str, external_user_id: &str) -> Outcome {
    if mfa_code.trim() == SANDBOX_MFA_CODE {
        Outcome::Success {
            external_user_id: external_user_id.to_string(),
        }
    } else {
        Outcome::failure(
            error_type::INCORRECT_MFA_CODE,
            "The verification code is incorrect.",
        )
    }
}

fn unsupported_region(provider: &Provider) -> Outcome {
    let codes: Vec<&str> = provider.regions.iter().map(|r| r.code.as_str()).collect();
    Outcome::failure(
        error_type::UNSUPPORTED_REGION,
        format!(
            "{} is not available in this region; supported: {}.",
            provider.name,
            codes.join(", ")
        ),
    )
}

/// Section 6: the email provider.
pub fn email_outcome(provider: &Provider, email: &str, region: Option<&str>) -> Outcome {
    if let Some(r) = region {
        if !provider.supports_region(r) {
            return unsupported_region(provider);
        }
    }
    if email.trim().eq_ignore_ascii_case("bad@example.com") {
        return Outcome::failure(
            error_type::PROVIDER_CREDENTIAL_ERROR,
            format!("{} has no account for this email address.", provider.name),
        );
    }
    Outcome::Success {
        external_user_id: external_user_id(&provider.slug, &email.trim().to_ascii_lowercase()),
    }
}

/// A deliberately simple address check: one `@`, a non-empty local part without spaces, and a
/// dotted domain.
pub fn is_valid_email(email: &str) -> bool {
    let email = email.trim();
    if email.chars().count() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
}

/// A generated SVG logo: a rounded square in the provider's colour with its initials.
pub fn logo_svg(name: &str, color: &str) -> String {
    let initials: String = name
        .split(|c: char| c.is_whitespace() || c == '(' || c == '-')
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_alphanumeric())
        .take(2)
        .collect::<String>()
        .to_uppercase();
    let initials = if initials.is_empty() {
        "?".to_string()
    } else {
        initials
    };
    let title = xml_escape(name);
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64" role="img" aria-label="{title}"><title>{title}</title><rect width="64" height="64" rx="14" fill="{color}"/><text x="32" y="41" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-size="24" font-weight="700" fill="#ffffff">{}</text></svg>"##,
        xml_escape(&initials)
    )
}

pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::new(Env::Sandbox, ServerRegion::Us, 0)
    }

    #[test]
    fn every_seed_slug_is_in_the_catalog_with_its_auth_type() {
        let c = catalog();
        let seed_slugs = "oura, fitbit, garmin, whoop, strava, renpho, peloton, wahoo, zwift, \
            freestyle_libre, abbott_libreview, freestyle_libre_ble, eight_sleep, withings, \
            apple_health_kit, manual, ihealth, google_fit, beurer_api, beurer_ble, omron, \
            omron_ble, onetouch_ble, accuchek_ble, contour_ble, dexcom, dexcom_v3, hammerhead, \
            my_fitness_pal, health_connect, polar, cronometer, kardia, whoop_v2, ultrahuman, \
            my_fitness_pal_v2, map_my_fitness, runkeeper";
        for slug in seed_slugs.split(',').map(str::trim) {
            assert!(c.get(slug).is_some(), "missing {slug}");
        }
        assert_eq!(c.all().len(), 38);
        assert_eq!(c.get("fitbit").unwrap().auth_type, AuthType::Oauth);
        assert_eq!(c.get("whoop").unwrap().auth_type, AuthType::Password);
        assert_eq!(c.get("whoop_v2").unwrap().auth_type, AuthType::Oauth);
        assert_eq!(c.get("freestyle_libre").unwrap().auth_type, AuthType::Email);
        assert_eq!(c.get("apple_health_kit").unwrap().auth_type, AuthType::Sdk);
        assert_eq!(c.get("contour_ble").unwrap().auth_type, AuthType::Ble);
        assert!(!c.get("manual").unwrap().is_linkable());
    }

    #[test]
    fn ids_are_unique_and_stable() {
        let a = catalog();
        let b = Catalog::new(Env::Sandbox, ServerRegion::Eu, 3);
        let mut ids: Vec<i64> = a.all().iter().map(|p| p.id).collect();
        ids.dedup();
        assert_eq!(ids.len(), a.all().len());
        for p in a.all() {
            assert_eq!(b.get(&p.slug).unwrap().id, p.id);
        }
    }

    #[test]
    fn synthetic_providers_only_in_sandbox() {
        let c = Catalog::new(Env::Sandbox, ServerRegion::Us, 250);
        assert_eq!(c.all().len(), 38 + 250);
        let p = c.get("synthetic_0250").unwrap();
        assert_eq!(p.auth_type, AuthType::Password);
        assert!(p.form_components.password_label.is_some());
        let prod = Catalog::new(Env::Production, ServerRegion::Us, 250);
        assert_eq!(prod.all().len(), 38);
    }

    #[test]
    fn oauth_providers_have_a_required_scope_and_forms_are_drawn() {
        let c = catalog();
        for p in c.all() {
            match p.auth_type {
                AuthType::Oauth => assert!(p.scopes.iter().any(|s| s.required), "{}", p.slug),
                AuthType::Password => {
                    assert!(p.form_components.username_label.is_some());
                    assert!(p.form_components.password_label.is_some());
                }
                AuthType::Email => assert!(!p.form_components.regions.is_empty()),
                _ => assert!(p.scopes.is_empty()),
            }
        }
    }

    #[test]
    fn password_rules() {
        let c = catalog();
        let p = c.get("renpho").unwrap();
        assert!(matches!(
            password_outcome(p, "user_good", "pass_good", None),
            Outcome::Success { .. }
        ));
        match password_outcome(p, "user_mfa", "pass_good", None) {
            Outcome::Mfa { method, hint, .. } => {
                assert_eq!(method, MfaMethod::Sms);
                assert_eq!(hint, "•••• 1234");
            }
            o => panic!("{o:?}"),
        }
        let fail = |u, pw| match password_outcome(p, u, pw, None) {
            Outcome::Failure { error_type, .. } => error_type,
            o => panic!("{o:?}"),
        };
        assert_eq!(
            fail("user_expired", "x"),
            error_type::PROVIDER_PASSWORD_EXPIRED
        );
        assert_eq!(
            fail("user_down", "pass_good"),
            error_type::PROVIDER_API_ERROR
        );
        assert_eq!(
            fail("user_good", "wrong"),
            error_type::PROVIDER_CREDENTIAL_ERROR
        );
        assert_eq!(
            fail("user_mfa", "wrong"),
            error_type::PROVIDER_CREDENTIAL_ERROR
        );
        assert_eq!(
            fail("someone", "pass_good"),
            error_type::PROVIDER_CREDENTIAL_ERROR
        );
    }

    #[test]
    fn only_credential_and_mfa_failures_count_towards_lockout() {
        let c = catalog();
        let p = c.get("zwift").unwrap();
        assert!(password_outcome(p, "x", "y", None).counts_towards_lockout());
        assert!(!password_outcome(p, "user_down", "y", None).counts_towards_lockout());
        assert!(!password_outcome(p, "user_expired", "y", None).counts_towards_lockout());
        assert!(!password_outcome(p, "user_good", "pass_good", None).counts_towards_lockout());
        assert!(mfa_outcome("000000", "e").counts_towards_lockout());
        assert_eq!(
            mfa_outcome("123456", "sbx_1"),
            Outcome::Success {
                external_user_id: "sbx_1".into()
            }
        );
    }

    #[test]
    fn email_rules_and_regions() {
        let us = catalog();
        let p = us.get("freestyle_libre").unwrap();
        assert_eq!(p.default_region.as_deref(), Some("us"));
        assert!(matches!(
            email_outcome(p, "a@b.co", None),
            Outcome::Success { .. }
        ));
        assert!(matches!(
            email_outcome(p, "a@b.co", Some("kr")),
            Outcome::Success { .. }
        ));
        let fail = |e, r| match email_outcome(p, e, r) {
            Outcome::Failure { error_type, .. } => error_type,
            o => panic!("{o:?}"),
        };
        assert_eq!(
            fail("bad@example.com", None),
            error_type::PROVIDER_CREDENTIAL_ERROR
        );
        assert_eq!(fail("a@b.co", Some("gb")), error_type::UNSUPPORTED_REGION);
        let eu = Catalog::new(Env::Sandbox, ServerRegion::Eu, 0);
        let p = eu.get("freestyle_libre").unwrap();
        assert_eq!(p.default_region.as_deref(), Some("gb"));
        assert_eq!(p.regions.len(), 46);
        assert!(matches!(
            email_outcome(p, "a@b.co", Some("de")),
            Outcome::Success { .. }
        ));
        assert!(matches!(
            email_outcome(p, "a@b.co", Some("us")),
            Outcome::Failure { .. }
        ));
    }

    #[test]
    fn email_syntax() {
        for ok in ["a@b.co", "first.last+tag@example.com", " x@y.org "] {
            assert!(is_valid_email(ok), "{ok}");
        }
        for bad in [
            "", "a", "a@", "@b.co", "a@b", "a b@c.de", "a@@b.co", "a@b..co", "a@.b.co",
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn external_ids_are_stable_and_not_the_username() {
        let a = external_user_id("renpho", "user_good");
        assert_eq!(a, external_user_id("renpho", "user_good"));
        assert_ne!(a, external_user_id("zwift", "user_good"));
        assert!(!a.contains("user_good"));
    }

    #[test]
    fn logos_are_self_contained_svg() {
        let svg = logo_svg("Eight Sleep", "hsl(1, 2%, 3%)");
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains(">ES</text>"));
        assert!(!svg.contains("href"));
        assert!(logo_svg("<x>", "red").contains("&lt;x&gt;"));
    }
}
