// Excerpt of tencentcloud-sdk-nodejs 4.1.313, tencentcloud/services/ciam/v20220331/ciam_models.d.ts
// (Apache License 2.0, Copyright Tencent): the interfaces package drift reads, unchanged.
/**
 * 任务详情
 */
export interface Job {
    /**
     * 任务ID
     */
    Id?: string;
    /**
     * 任务状态
  
  <li> **PENDING** </li>  待执行
  <li> **PROCESSING** </li>  执行中
  <li> **COMPLETED** </li>  完成
  <li> **FAILED** </li>  失败
     */
    Status?: string;
    /**
     * 任务类型
  
  <li> **IMPORT_USER** </li>  用户导入
  <li> **EXPORT_USER** </li>  用户导出
     */
    Type?: string;
    /**
     * 任务创建时间
     */
    CreatedDate?: number;
    /**
     * 任务的数据类型
  
  <li> **NDJSON** </li>  New-line Delimited JSON
  <li> **CSV** </li>  Comma-Separated Values
  注意：此字段可能返回 null，表示取不到有效值。
     */
    Format?: string;
    /**
     * 任务结果下载地址
  注意：此字段可能返回 null，表示取不到有效值。
     */
    Location?: string;
    /**
     * 失败详情
     */
    ErrorDetails?: Array<ErrorDetails>;
    /**
     * 失败的用户
  注意：此字段可能返回 null，表示取不到有效值。
     */
    FailedUsers?: Array<FailedUsers>;
}
/**
 * 失败详情
 */
export interface ErrorDetails {
    /**
     * 用户信息
     */
    UserId?: string;
    /**
     * 失败原因
     */
    Error?: string;
}
/**
 * 失败的用户
 */
export interface FailedUsers {
    /**
     * 失败用户标识
     */
    FailedUserIdentification?: string;
    /**
     * 导入的用户失败原因
     */
    FailedReason?: string;
}
/**
 * ListJobs请求参数结构体
 */
export interface ListJobsRequest {
    /**
     * 用户目录ID
     */
    UserStoreId: string;
    /**
     * 任务ID列表，为空时返回全部任务
     */
    JobIds?: Array<string>;
}
/**
 * ListJobs返回参数结构体
 */
export interface ListJobsResponse {
    /**
     * 任务列表
     */
    JobSet?: Array<Job>;
    /**
     * 唯一请求 ID，由服务端生成，每次请求都会返回（若请求因其他原因未能抵达服务端，则该次请求不会获得 RequestId）。定位问题时需要提供该次请求的 RequestId。
     */
    RequestId?: string;
}
