export const APP_ROLE = 'platform_app';
