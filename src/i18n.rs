//! The widget's strings: English and Spanish. The `locale` option, else `navigator.language`.

/// A supported language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Es,
}

/// A string of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Close,
    Back,
    Continue,
    Loading,
    Retry,
    Done,
    AgreementTitle,
    AgreementShare,
    AgreementCredentials,
    AgreementDisconnect,
    AgreementLegal,
    PrivacyPolicy,
    Terms,
    And,
    PickerTitle,
    SearchLabel,
    SearchPlaceholder,
    NoResults,
    UsernameLabel,
    PasswordLabel,
    RegionLabel,
    Connect,
    Connecting,
    MfaTitle,
    MfaSentSms,
    MfaSentEmail,
    MfaCodeLabel,
    Verify,
    EmailTitle,
    EmailLabel,
    EmailInstructions,
    OauthTitle,
    OauthContinue,
    OauthWaiting,
    OauthBlocked,
    OauthOpenTab,
    OauthSameWindow,
    SuccessTitle,
    SuccessBody,
    ErrorTitle,
    ConnectTitle,
}

impl Lang {
    /// Picks a language from a BCP 47 tag such as `es-MX`; unknown tags get English.
    pub fn from_tag(tag: &str) -> Lang {
        let primary = tag
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "es" => Lang::Es,
            _ => Lang::En,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    pub fn t(self, key: Key) -> &'static str {
        use Key::*;
        match self {
            Lang::En => match key {
                Close => "Close",
                Back => "Back",
                Continue => "Continue",
                Loading => "Loading…",
                Retry => "Try again",
                Done => "Done",
                AgreementTitle => "uses Vital to connect your health data",
                AgreementShare => "Data from the device or app you choose (activity, sleep, body, vitals) is shared with",
                AgreementCredentials => "Your login details go to the provider only and are never shared.",
                AgreementDisconnect => "You can disconnect at any time.",
                AgreementLegal => "By continuing you agree to the",
                PrivacyPolicy => "privacy policy",
                Terms => "terms",
                And => "and",
                PickerTitle => "Choose your device or app",
                SearchLabel => "Search providers",
                SearchPlaceholder => "Search",
                NoResults => "No provider matches your search.",
                UsernameLabel => "Username or email",
                PasswordLabel => "Password",
                RegionLabel => "Region",
                Connect => "Connect",
                Connecting => "Connecting…",
                MfaTitle => "Enter the verification code",
                MfaSentSms => "We sent a code by text message to",
                MfaSentEmail => "We sent a code by email to",
                MfaCodeLabel => "Verification code",
                Verify => "Verify",
                EmailTitle => "Connect with your email",
                EmailLabel => "Email address",
                EmailInstructions => "Enter the email address of your account. You will receive an invitation to share your data.",
                OauthTitle => "Sign in to continue",
                OauthContinue => "Continue to",
                OauthWaiting => "Finish signing in in the window that opened. This page updates by itself.",
                OauthBlocked => "Your browser blocked the sign-in window.",
                OauthOpenTab => "Open sign-in in a new tab",
                OauthSameWindow => "Continue in this window",
                SuccessTitle => "Connected",
                SuccessBody => "Your account is now connected:",
                ErrorTitle => "Something went wrong",
                ConnectTitle => "Connect",
            },
            Lang::Es => match key {
                Close => "Cerrar",
                Back => "Atrás",
                Continue => "Continuar",
                Loading => "Cargando…",
                Retry => "Reintentar",
                Done => "Listo",
                AgreementTitle => "usa Vital para conectar tus datos de salud",
                AgreementShare => "Los datos del dispositivo o la app que elijas (actividad, sueño, cuerpo, constantes) se comparten con",
                AgreementCredentials => "Tus datos de acceso solo van al proveedor y nunca se comparten.",
                AgreementDisconnect => "Puedes desconectarte en cualquier momento.",
                AgreementLegal => "Al continuar aceptas la",
                PrivacyPolicy => "política de privacidad",
                Terms => "las condiciones",
                And => "y",
                PickerTitle => "Elige tu dispositivo o app",
                SearchLabel => "Buscar proveedores",
                SearchPlaceholder => "Buscar",
                NoResults => "Ningún proveedor coincide con tu búsqueda.",
                UsernameLabel => "Usuario o correo",
                PasswordLabel => "Contraseña",
                RegionLabel => "Región",
                Connect => "Conectar",
                Connecting => "Conectando…",
                MfaTitle => "Introduce el código de verificación",
                MfaSentSms => "Te enviamos un código por SMS a",
                MfaSentEmail => "Te enviamos un código por correo a",
                MfaCodeLabel => "Código de verificación",
                Verify => "Verificar",
                EmailTitle => "Conecta con tu correo",
                EmailLabel => "Correo electrónico",
                EmailInstructions => "Introduce el correo de tu cuenta. Recibirás una invitación para compartir tus datos.",
                OauthTitle => "Inicia sesión para continuar",
                OauthContinue => "Continuar a",
                OauthWaiting => "Termina de iniciar sesión en la ventana que se abrió. Esta página se actualiza sola.",
                OauthBlocked => "Tu navegador bloqueó la ventana de inicio de sesión.",
                OauthOpenTab => "Abrir el inicio de sesión en una pestaña nueva",
                OauthSameWindow => "Continuar en esta ventana",
                SuccessTitle => "Conectado",
                SuccessBody => "Tu cuenta ya está conectada:",
                ErrorTitle => "Algo salió mal",
                ConnectTitle => "Conectar",
            },
        }
    }

    /// The message for an error of a provider flow: a refused OAuth consent is not a wrong
    /// password, though both are `provider_credential_error`.
    pub fn flow_error_message(self, error_type: &str, oauth: bool) -> &'static str {
        match (self, oauth && error_type == "provider_credential_error") {
            (Lang::En, true) => "Access was not granted. Try again and allow access to continue.",
            (Lang::Es, true) => {
                "No se concedió el acceso. Vuelve a intentarlo y permite el acceso para continuar."
            }
            (_, false) => self.error_message(error_type),
        }
    }

    /// A human message for an error type; unknown types get a general one.
    pub fn error_message(self, error_type: &str) -> &'static str {
        match self {
            Lang::En => match error_type {
                "invalid_token" => "This link is not valid. Please start again from the app.",
                "token_expired" => "This link has expired. Please start again from the app.",
                "token_consumed" => "This link has already been used. Please start again from the app.",
                "too_many_attempts" => "Too many failed attempts. Please start again from the app later.",
                "invalid_provider" => "This provider cannot be connected here.",
                "invalid_user_id" => "This account could not be found. Please start again from the app.",
                "provider_credential_error" => "The username or password is not correct.",
                "provider_password_expired" => "Your password with this provider has expired. Reset it with the provider, then try again.",
                "provider_api_error" => "The provider is not responding right now. Please try again in a moment.",
                "unsupported_region" => "This region is not supported. Choose another region.",
                "duplicate_connection" => "This account is already connected.",
                "required_scopes_not_granted" => "Some required permissions were not granted. Try again and allow all required permissions.",
                "incorrect_mfa_code" => "That code is not correct. Check it and try again.",
                "user_cancelled" => "Sign-in was cancelled.",
                "invalid_input" => "Please check what you entered.",
                "network_error" => "We could not reach the server. Check your connection and try again.",
                _ => "Something went wrong while connecting. Please try again.",
            },
            Lang::Es => match error_type {
                "invalid_token" => "Este enlace no es válido. Vuelve a empezar desde la app.",
                "token_expired" => "Este enlace ha caducado. Vuelve a empezar desde la app.",
                "token_consumed" => "Este enlace ya se ha usado. Vuelve a empezar desde la app.",
                "too_many_attempts" => "Demasiados intentos fallidos. Vuelve a empezar desde la app más tarde.",
                "invalid_provider" => "Este proveedor no se puede conectar aquí.",
                "invalid_user_id" => "No encontramos esta cuenta. Vuelve a empezar desde la app.",
                "provider_credential_error" => "El usuario o la contraseña no son correctos.",
                "provider_password_expired" => "Tu contraseña con este proveedor ha caducado. Restablécela con el proveedor y vuelve a intentarlo.",
                "provider_api_error" => "El proveedor no responde ahora mismo. Inténtalo de nuevo en un momento.",
                "unsupported_region" => "Esta región no está disponible. Elige otra región.",
                "duplicate_connection" => "Esta cuenta ya está conectada.",
                "required_scopes_not_granted" => "No se concedieron algunos permisos necesarios. Vuelve a intentarlo y permítelos todos.",
                "incorrect_mfa_code" => "El código no es correcto. Revísalo y vuelve a intentarlo.",
                "user_cancelled" => "Se canceló el inicio de sesión.",
                "invalid_input" => "Revisa lo que has escrito.",
                "network_error" => "No pudimos contactar con el servidor. Revisa tu conexión y vuelve a intentarlo.",
                _ => "Algo salió mal al conectar. Inténtalo de nuevo.",
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_language_from_tag() {
        assert_eq!(Lang::from_tag("es-MX"), Lang::Es);
        assert_eq!(Lang::from_tag("ES"), Lang::Es);
        assert_eq!(Lang::from_tag("en-GB"), Lang::En);
        assert_eq!(Lang::from_tag("zz"), Lang::En);
        assert_eq!(Lang::from_tag(""), Lang::En);
    }

    #[test]
    fn oauth_refusal_is_not_a_wrong_password() {
        assert!(Lang::En
            .flow_error_message("provider_credential_error", true)
            .contains("not granted"));
        assert!(Lang::En
            .flow_error_message("provider_credential_error", false)
            .contains("password"));
    }

    #[test]
    fn unknown_error_types_get_a_sensible_message() {
        let m = Lang::En.error_message("something_new_2027");
        assert!(m.contains("try again"), "{m}");
        assert_ne!(
            Lang::Es.error_message("token_expired"),
            Lang::En.error_message("token_expired")
        );
    }
}
